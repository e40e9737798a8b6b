/**
 * Whether text output is coloured, as Node's own tty.getColorDepth and most CLIs decide:
 * `--color=always|never` first; then FORCE_COLOR (set: colours, `0` or `false`: none), NO_COLOR
 * (https://no-color.org; set to anything, even empty: none), TERM=dumb (none); else colours only on a
 * terminal.
 */
export type ColorFlag = "auto" | "always" | "never";

export function useColor(flag: ColorFlag, isTTY: boolean, env: Record<string, string | undefined>): boolean {
  if (flag !== "auto") return flag === "always";
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force.toLowerCase() !== "false";
  if (env.NO_COLOR !== undefined) return false;
  if (env.TERM === "dumb") return false;
  return isTTY;
}
