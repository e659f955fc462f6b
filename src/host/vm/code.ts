// A stored code: compiled once, checked at upload the way cosmwasm-vm's check_wasm does (the subset JS cannot do by
// itself), instantiated fresh for every call. The rules come from src/cosmwasm-abi, shared with the gate.

import {
  CAPABILITY_PREFIX, DEFAULT_CAPABILITIES, FuncType, IBC_EXPORTS, INTERFACE_VERSION, INTERFACE_VERSION_PREFIX,
  Malformed, Module, VM_REQUIRED_EXPORTS, funcType, importSignature, parseModule, sigString,
} from "../../cosmwasm-abi";
import { sha256 } from "../address";
import { WasmModuleHandle, compileModule, customSections } from "./wasm-api";

const KIND_FUNC = 0, KIND_MEMORY = 2;

export class WasmCode {
  readonly module: WasmModuleHandle;
  readonly checksum: Uint8Array;
  /** Function exports and their signatures. */
  readonly exportSigs = new Map<string, FuncType>();
  readonly hasIbcEntryPoints: boolean;
  readonly requiredCapabilities: string[];
  /** `cw_migrate_version` custom section (wasmd skips `migrate` when old and new values are equal). */
  readonly migrateVersion?: bigint;
  /**
   * Set when the module passes upload but can never be instantiated by cosmwasm-vm (a start section, an import
   * with the wrong signature): every call then fails with this VM error, as on chain.
   */
  readonly instantiationError?: string;

  /** Compiles and runs the upload checks; throws on rejection. */
  constructor(readonly wasm: Uint8Array, capabilities: readonly string[] = DEFAULT_CAPABILITIES) {
    this.checksum = sha256(wasm);
    try {
      this.module = compileModule(wasm);
    } catch (e) {
      throw new Error(`Error compiling Wasm: ${(e as Error).message}`);
    }
    const m = parseStructure(wasm);
    for (const e of m.exports) if (e.kind === KIND_FUNC) this.exportSigs.set(e.name, funcType(m, e.index));
    const problems = [...exportProblems(m, this.exportSigs)];
    const { unsupported, sigErrors } = importProblems(m);
    problems.push(...unsupported);
    this.requiredCapabilities = m.exports.map((e) => e.name).filter((n) => n.startsWith(CAPABILITY_PREFIX)).map((n) => n.slice(CAPABILITY_PREFIX.length));
    const missingCaps = this.requiredCapabilities.filter((c) => !capabilities.includes(c));
    if (missingCaps.length) problems.push(`Wasm contract requires unavailable capabilities: {${missingCaps.map((c) => JSON.stringify(c)).join(", ")}}`);
    if (problems.length) throw new Error(`Error during static Wasm validation: ${problems.join("; ")}`);

    if (m.start !== undefined) {
      this.instantiationError =
        "Error instantiating a Wasm module: the module has a start section; cosmwasm-vm runs it before the gas " +
        "limit is set, so it always runs out of gas on chain (remove it, see cosmwasm-abi.md rule 1)";
    } else if (sigErrors.length) {
      this.instantiationError = `Error instantiating a Wasm module: incompatible import type: ${sigErrors.join("; ")}`;
    }
    this.hasIbcEntryPoints = IBC_EXPORTS.every((n) => this.exportSigs.has(n));
    this.migrateVersion = migrateVersion(this.module);
  }

  hasExport(name: string): boolean {
    return this.exportSigs.has(name);
  }

  /** Number of parameters of an exported function (e.g. 2 or 3 for `migrate`). */
  arity(name: string): number | undefined {
    return this.exportSigs.get(name)?.params.length;
  }
}

// JS has compiled the module already, so what the strict reader still rejects is what no CosmWasm VM parses.
function parseStructure(wasm: Uint8Array): Module {
  try {
    return parseModule(wasm);
  } catch (e) {
    if (e instanceof Malformed) throw new Error(`Error during static Wasm validation: ${e.message}`);
    throw e;
  }
}

function exportProblems(m: Module, funcExports: Map<string, FuncType>): string[] {
  const problems: string[] = [];
  const mem = m.exports.find((e) => e.name === "memory");
  if (!mem || mem.kind !== KIND_MEMORY) problems.push("Wasm contract must contain exactly one memory, exported as \"memory\"");
  const versions = m.exports.filter((e) => e.name.startsWith(INTERFACE_VERSION_PREFIX));
  if (versions.length !== 1 || versions[0].name !== INTERFACE_VERSION) {
    problems.push(`Wasm contract must export exactly one ${INTERFACE_VERSION} marker`);
  }
  for (const req of VM_REQUIRED_EXPORTS) {
    if (!funcExports.has(req)) problems.push(`Wasm contract doesn't have required export: "${req}"`);
  }
  return problems;
}

/** Unknown imports fail the upload; a wrong signature only fails instantiation (wasmer checks it, check_wasm does not). */
function importProblems(m: Module): { unsupported: string[]; sigErrors: string[] } {
  const unsupported: string[] = [];
  const sigErrors: string[] = [];
  for (const imp of m.imports) {
    const full = `${imp.module}.${imp.name}`;
    const expected = imp.module === "env" ? importSignature(imp.name) : undefined;
    if (expected === undefined) {
      unsupported.push(`Wasm contract requires unsupported import: "${full}"`);
    } else if (imp.kind !== KIND_FUNC) {
      unsupported.push(`Wasm contract requires non-function import: "${full}"`);
    } else {
      const actual = sigString(m.types[imp.typeIndex!]);
      if (actual !== expected) sigErrors.push(`${full} has signature ${actual}, the VM provides ${expected}`);
    }
  }
  return { unsupported, sigErrors };
}

function migrateVersion(module: WasmModuleHandle): bigint | undefined {
  const mv = customSections(module, "cw_migrate_version");
  if (mv.length === 0) return undefined;
  const s = Buffer.from(mv[0]).toString("utf8");
  return /^(0|[1-9][0-9]*)$/.test(s) ? BigInt(s) : undefined;
}
