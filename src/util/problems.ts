/** A located finding in a data file: `file:line:col  field.path  message`. */
import * as v from "valibot";

export const ProblemSchema = v.object({
  file: v.string(),
  line: v.number(),
  col: v.number(),
  path: v.string(),
  code: v.string(),
  message: v.string(),
});
export type Problem = v.InferOutput<typeof ProblemSchema>;

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.col}  ${p.path || "-"}  ${p.message}`;
}

export function sortProblems(ps: Problem[]): Problem[] {
  return ps.sort((a, b) => a.line - b.line || a.col - b.col || a.path.localeCompare(b.path));
}
