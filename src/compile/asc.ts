// Runs the AssemblyScript compiler with the project's CosmWasm settings (asconfig.json "release" target plus the
// transform that removes the wasm start section).
import { spawn } from "child_process";
import * as path from "path";

const root = path.resolve(__dirname, "..", "..");

export interface CompileResult {
  ok: boolean;
  output: string;
}

export function compileContract(entry: string, outFile: string, target = "release"): Promise<CompileResult> {
  const args = [
    path.join(root, "node_modules/assemblyscript/bin/asc.js"),
    path.relative(root, entry),
    "--config", "asconfig.json",
    "--target", target,
    "--transform", "./scripts/asc/no-start-transform.mjs",
    "-o", outFile,
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("close", (code) => resolve({ ok: code === 0, output }));
  });
}
