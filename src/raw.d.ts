/** `import text from "./file?raw"`: the file's text (Vite's convention; scripts/build.mjs does the same). */
declare module "*?raw" {
  const text: string;
  export default text;
}
