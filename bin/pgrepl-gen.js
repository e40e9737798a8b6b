#!/usr/bin/env node
// The installed command: all logic lives in the bundled CLI (src/cli/bin.ts).
import "../dist/cli.js";
