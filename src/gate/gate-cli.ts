// Runs the wasm gate over built contracts and prints one line per file; optionally also runs the VM's own
// cosmwasm-check. Exported as a function so scripts/build-contracts.ts can call it in-process.

import { spawn } from "child_process";
import { existsSync, readFileSync } from "fs";
import * as path from "path";
import { checkWasm, GateOptions, GateReport } from "./gate";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const COSMWASM_CHECK_BIN = path.join(REPO_ROOT, ".cache", "cargo", "bin", "cosmwasm-check");

export interface RunGateOptions {
  cosmwasmCheck: boolean;
}

function displayName(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith("..") ? file : rel;
}

function kib(n: number): string {
  return `${(n / 1024).toFixed(1)} KiB`;
}

export function formatReport(name: string, r: GateReport): string {
  if (!r.ok) return [`gate FAIL ${name}`, ...r.errors.map((e) => `    ${e}`)].join("\n");
  const s = r.stats;
  const where = typeof s.maxLocalsFunction === "number" ? `func ${s.maxLocalsFunction}` : s.maxLocalsFunction;
  return `gate ok  ${name}  ${kib(s.sizeBytes)}  funcs=${s.functions} maxLocals=${s.maxLocals}(${where})  ` +
    `imports=${s.imports.join(",")}` + (s.capabilities.length > 0 ? `  requires=${s.capabilities.join(",")}` : "");
}

/** Checks one file; unreadable files become a failed report instead of an exception. */
export function gateFile(file: string, opts?: GateOptions): GateReport {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    return {
      file, ok: false, errors: [`cannot read file: ${(e as Error).message}`],
      stats: {
        sizeBytes: 0, functions: 0, maxLocals: 0, maxLocalsFunction: -1, totalLocals: 0,
        imports: [], exports: [], capabilities: [], memoryPages: 0,
      },
    };
  }
  return { ...checkWasm(bytes, opts), file };
}

function runCosmwasmCheck(files: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(COSMWASM_CHECK_BIN, files, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", (e) => resolve({ code: 1, output: `${output}failed to run cosmwasm-check: ${e.message}\n` }));
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}

/**
 * Gates every file, printing a line per file (and indented errors), then, if asked, runs cosmwasm-check on all
 * files in one invocation. Resolves to true only if everything passed; never throws for bad input files.
 */
export async function runGate(files: string[], opts: RunGateOptions): Promise<boolean> {
  let ok = true;
  if (files.length === 0) {
    console.error("gate: no .wasm files given");
    return false;
  }
  for (const file of files) {
    const report = gateFile(file);
    console.log(formatReport(displayName(file), report));
    ok &&= report.ok;
  }
  if (opts.cosmwasmCheck) {
    if (!existsSync(COSMWASM_CHECK_BIN)) {
      console.error(`gate: ${path.relative(REPO_ROOT, COSMWASM_CHECK_BIN)} is missing; run \`npm run deps:cosmwasm-check\``);
      return false;
    }
    const { code, output } = await runCosmwasmCheck(files);
    process.stdout.write(output.endsWith("\n") || output === "" ? output : `${output}\n`);
    if (code !== 0) {
      console.error(`gate: cosmwasm-check failed (exit ${code})`);
      ok = false;
    }
  }
  return ok;
}
