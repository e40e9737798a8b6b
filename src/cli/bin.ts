import { main } from "./main.js";

// The only place that touches `process`: wire real streams into the pure CLI.
const code = await main(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  cwd: process.cwd(),
  env: process.env,
  isTTY: process.stdout.isTTY === true,
  now: new Date(),
});
process.exitCode = code;
