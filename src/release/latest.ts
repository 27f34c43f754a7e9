/**
 * Where releases live and what the latest one is. install.sh downloads from the same base URL
 * (`<url>/ouroboros-<platform>`, `<url>/SHA256SUMS`); scripts/release.ts writes `<url>/release.json`.
 */
import * as v from "valibot";
import { fail, ok, type Result } from "../errors.ts";

/** GitHub serves the newest release's assets under …/releases/latest/download/<name>. */
export const DEFAULT_DOWNLOAD_URL = "https://github.com/Q00/ouroboros/releases/latest/download";

export const downloadUrl = (env: Record<string, string | undefined> = process.env): string =>
  (env.OUROBOROS_DOWNLOAD_URL || DEFAULT_DOWNLOAD_URL).replace(/\/+$/, "");

export const ReleaseManifest = v.object({
  version: v.pipe(v.string(), v.regex(/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?$/, "a semantic version")),
  commit: v.optional(v.string()),
  platforms: v.optional(v.array(v.string())),
});
export type ReleaseManifest = v.InferOutput<typeof ReleaseManifest>;

/** The release could not be fetched at all (offline, DNS, HTTP error): not an error of ours. */
export type Unreachable = { unreachable: string };

const TIMEOUT_MS = 5000;

/** Fetch `<url>/release.json`. Unreachable → `{unreachable}`; reachable but malformed → an error naming the field. */
export async function latestRelease(url: string): Promise<Result<ReleaseManifest | Unreachable>> {
  const where = `${url}/release.json`;
  let text: string;
  try {
    const res = await fetch(where, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: "follow" });
    if (!res.ok) return ok({ unreachable: `${where} answered HTTP ${res.status}` });
    text = await res.text();
  } catch (e) {
    const reason = (e as Error).name === "TimeoutError" ? `no answer in ${TIMEOUT_MS / 1000} s` : (e as Error).message;
    return ok({ unreachable: `${where}: ${reason}` });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail("invalidData", `${where} is not JSON`);
  }
  const r = v.safeParse(ReleaseManifest, json);
  if (!r.success) {
    const issue = r.issues[0];
    return fail("invalidData", `${where}: ${v.getDotPath(issue) ?? "(root)"}: ${issue.message}`);
  }
  return ok(r.output);
}

/** True when `latest` is a newer version than `current`. */
export const isNewer = (latest: string, current: string): boolean => Bun.semver.order(latest, current) === 1;
