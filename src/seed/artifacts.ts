/** expected_artifacts: portable workspace-relative paths only. */

const RESERVED = /^(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(\..*)?$/i;
const BAD_CHARS = /[<>:"|?*\\,]/;
// biome-ignore lint: control characters are exactly what we refuse
const CONTROL = /[\u0000-\u001f\u007f]/;
const utf8Len = (s: string) => Buffer.byteLength(s, "utf8");

/** Returns null when the path is acceptable, else the reason. */
export function artifactPathProblem(raw: string): string | null {
  if (CONTROL.test(raw)) return "control characters are not allowed";
  if (raw.includes("\\")) return "backslashes are not allowed";
  if (BAD_CHARS.test(raw)) return 'characters <>:"|?*, are not allowed';
  if (raw.startsWith("/") || /^[A-Za-z]:/.test(raw) || raw.startsWith("~")) return "absolute paths are not allowed";
  if (utf8Len(raw) > 255) return "path is longer than 255 bytes";
  const explicitDot = raw.startsWith("./");
  const parts = raw.split("/").filter((p, i) => !(i === 0 && p === "."));
  if (parts.length === 0 || parts.every((p) => p === "" || p === "."))
    return "the workspace root itself is not an artifact";
  for (const part of parts) {
    if (part === "..") return "'..' escapes the workspace";
    if (part === "") return "empty path component";
    if (utf8Len(part) > 255) return "a path component is longer than 255 bytes";
    if (RESERVED.test(part)) return `'${part}' is a reserved name on Windows`;
    if (/[ .]$/.test(part) && part !== ".") return `component '${part}' ends in a space or dot`;
  }
  if (!explicitDot && /\s/.test(parts[0]!)) return "a top-level name with whitespace must be written ./name";
  return null;
}

/** Normalise the accepted input shapes: list, "a, b" string, NONE. */
export function splitArtifacts(value: string | readonly string[] | null | undefined): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value === "string") {
    if (value.trim().toUpperCase() === "NONE" || value.trim() === "") return [];
    return value
      .split(", ")
      .map((s) => s.trim())
      .filter(Boolean);
  }
  return value.filter((s) => s.trim().toUpperCase() !== "NONE");
}
