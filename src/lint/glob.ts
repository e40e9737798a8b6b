/**
 * The globs of the config file's `ignore` list, as .gitignore users expect them:
 * `*` and `?` within one path segment, `**` across segments, `{a,b}` alternatives; a pattern
 * without a `/` matches a name at any depth; a pattern ending in `/` or naming a directory
 * matches everything under it.
 */
export function globToRegExp(glob: string): RegExp {
  let g = glob.trim();
  if (g.startsWith("./")) g = g.slice(2);
  const anyDepth = !g.replace(/\/$/, "").includes("/");
  if (g.endsWith("/")) g += "**";
  let re = "";
  let braces = 0;
  for (let i = 0; i < g.length; i++) {
    const c = g[i] as string;
    if (c === "*") {
      if (g[i + 1] === "*") {
        // `**/` matches zero or more directories; a trailing `**` everything
        if (g[i + 2] === "/") {
          re += "(?:.*/)?";
          i += 2;
        } else {
          re += ".*";
          i += 1;
        }
      } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else if (c === "{") {
      braces++;
      re += "(?:";
    } else if (c === "}" && braces > 0) {
      braces--;
      re += ")";
    } else if (c === "," && braces > 0) re += "|";
    else re += c.replace(/[.+^$()|[\]\\]/g, "\\$&");
  }
  // a directory matches everything under it
  return new RegExp(`^${anyDepth ? "(?:.*/)?" : ""}${re}(?:/.*)?$`);
}

export function globMatches(glob: string, path: string): boolean {
  return globToRegExp(glob).test(path);
}
