/** A position in a user's file: 1-based line and column. */
export interface Position {
  line: number;
  column: number;
}

/** One problem in one file, printed as `FILE:LINE:COL: message`. */
export interface Problem {
  file: string;
  /** null for a problem about the whole file. */
  pos: Position | null;
  message: string;
}

export function formatProblem(p: Problem): string {
  return p.pos ? `${p.file}:${p.pos.line}:${p.pos.column}: ${p.message}` : `${p.file}: ${p.message}`;
}

export function compareProblems(a: Problem, b: Problem): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  const al = a.pos?.line ?? 0;
  const bl = b.pos?.line ?? 0;
  if (al !== bl) return al - bl;
  const ac = a.pos?.column ?? 0;
  const bc = b.pos?.column ?? 0;
  if (ac !== bc) return ac - bc;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}
