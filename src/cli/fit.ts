/**
 * Fit a table to a terminal width, the way the gh CLI does: low-priority columns are dropped
 * first, then the widest columns are narrowed (cells cut with "…") until the table fits.
 * Only used on a terminal; pipes and files get full values.
 */

/** cli-table3 draws "│ a │ b │": one border per column plus one, and a space either side of each cell. */
export const tableOverhead = (columns: number) => 3 * columns + 1;

/** Narrowest a column may become: its header, but at least this much content. */
const MIN_CELL = 10;

export interface Fit {
  /** Indices of the columns kept, in their original order. */
  columns: number[];
  /** Content width of each kept column (without padding). */
  widths: number[];
}

/**
 * @param natural content width each column needs to show every value in full
 * @param headers header width of each column
 * @param dropOrder column indices that may be dropped, lowest priority first: a column is
 *   dropped while the others could not all keep a readable width
 * @param whole column indices never cut (ids you copy and paste)
 */
export function fitColumns(
  natural: number[],
  headers: number[],
  width: number,
  dropOrder: number[] = [],
  whole: number[] = [],
): Fit {
  const min = natural.map((n, i) => (whole.includes(i) ? n : Math.min(n, Math.max(headers[i]!, MIN_CELL))));
  let columns = natural.map((_, i) => i);
  const total = (cols: number[], w: number[]) => cols.reduce((s, c) => s + w[c]!, 0) + tableOverhead(cols.length);
  for (const d of dropOrder) {
    if (total(columns, min) <= width) break;
    if (columns.length > 1) columns = columns.filter((c) => c !== d);
  }
  const widths = [...natural];
  let excess = total(columns, widths) - width;
  while (excess > 0) {
    // Narrow the widest column that can still give way.
    let widest = -1;
    for (const c of columns) if (widths[c]! > min[c]! && (widest < 0 || widths[c]! > widths[widest]!)) widest = c;
    if (widest < 0) break;
    widths[widest]!--;
    excess--;
  }
  return { columns, widths: columns.map((c) => widths[c]!) };
}

/** Cut a string to `width` display columns, ending in "…" when anything was cut. */
export function cut(text: string, width: number): string {
  if (Bun.stringWidth(text) <= width) return text;
  let outText = "";
  for (const ch of text) {
    if (Bun.stringWidth(`${outText}${ch}…`) > width) break;
    outText += ch;
  }
  return `${outText}…`;
}
