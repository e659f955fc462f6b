#!/usr/bin/env node
// `npx mesh …`: the TypeScript CLI (src/cli/main.ts) run through tsx, like every other script of this repository.
require("tsx/cjs");
const { runCli } = require("../src/cli/main.ts");
runCli(process.argv.slice(2)).then((code) => process.exit(code));
