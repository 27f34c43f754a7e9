/** Unified diff of two texts (3 lines of context) for `setup --dry-run`, made by the `diff` package. */
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from "diff";

/** `--- a/path` / `+++ b/path` diff; "" when the texts are equal. null = file absent. */
export function unifiedDiff(path: string, before: string | null, after: string | null, context = 3): string {
  if (before === after) return "";
  const from = before === null ? "/dev/null" : `a${path}`;
  const to = after === null ? "/dev/null" : `b${path}`;
  return (
    createTwoFilesPatch(from, to, before ?? "", after ?? "", undefined, undefined, {
      context,
      headerOptions: FILE_HEADERS_ONLY,
    }) ?? ""
  );
}
