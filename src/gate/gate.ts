// Static "gate" for built contracts: parses a WebAssembly binary and checks it against the rules a CosmWasm VM
// (cosmwasm-vm 2.x/3.x, wasmd) applies at store-code and instantiation time, plus the project's own stricter
// rules (no floats at all). See the ABI design note (cosmwasm-abi.md) §0, §1.2–1.4, §2.1–2.2.
//
// Why a hand-written parser: the JS test hosts (cw-simulate, cosmwasm-vm-js) accept modules a real chain rejects
// (start section, wrong import signatures, bulk memory), and cosmwasm-check needs a Rust build. This runs in
// milliseconds with no dependencies, so every build can fail fast with errors that name the offending item.

export interface GateOptions {
  maxSizeBytes?: number; // default 800 KiB (wasmd MaxWasmSize)
  maxLocalsPerFunction?: number; // default 100
  maxTotalLocals?: number; // default 10000
  capabilities?: string[]; // default: DEFAULT_CAPABILITIES
  requireIbcExports?: boolean;
}

export interface GateReport {
  file?: string;
  ok: boolean;
  errors: string[];
  stats: {
    sizeBytes: number;
    functions: number;
    maxLocals: number;
    /** Label of the function with the most declared locals: `func N "name"` when a name is known, else N; -1 if none. */
    maxLocalsFunction: number | string;
    totalLocals: number;
    imports: string[];
    exports: string[];
    capabilities: string[];
    memoryPages: number;
  };
}

// The VM's rules (allow-list, entry points, capabilities, limits) and the wasm reader live in src/cosmwasm-abi,
// shared with the in-process host; this file only applies them and adds the project's stricter ones.
import {
  DEFAULT_CAPABILITIES, ENTRY_POINTS, F32, F64, IBC_EXPORTS, INTERFACE_VERSION, INTERFACE_VERSION_PREFIX,
  CAPABILITY_PREFIX, KIND_NAMES, MODULE_LIMITS as LIMITS, Malformed, Module, REQUIRED_EXPORTS, Reader, V128,
  VALTYPE_NAMES, describeForbidden, funcType, importSignature, parseModule, sigString, walkInstructions,
} from "../cosmwasm-abi";

export { DEFAULT_CAPABILITIES };

// ---------------------------------------------------------------------------------------------------------------
// Checks.

function resolveOptions(opts: GateOptions) {
  return {
    maxSizeBytes: opts.maxSizeBytes ?? 800 * 1024,
    maxLocalsPerFunction: opts.maxLocalsPerFunction ?? 100,
    maxTotalLocals: opts.maxTotalLocals ?? 10000,
    capabilities: new Set(opts.capabilities ?? DEFAULT_CAPABILITIES),
    requireIbcExports: opts.requireIbcExports ?? false,
  };
}

function funcLabel(m: Module, index: number): string {
  const parts = [`func ${index}`];
  const name = m.funcNames.get(index);
  const exported = m.exports.filter((e) => e.kind === 0 && e.index === index).map((e) => e.name);
  if (name !== undefined) parts.push(JSON.stringify(name));
  if (exported.length > 0 && !(exported.length === 1 && exported[0] === name)) {
    parts.push(`(export ${exported.map((e) => JSON.stringify(e)).join(", ")})`);
  }
  return parts.join(" ");
}

function checkTypes(m: Module, errors: string[]): void {
  let totalParams = 0;
  m.types.forEach((t, i) => {
    totalParams += t.params.length;
    const floats = [...t.params, ...t.results].filter((x) => x === F32 || x === F64);
    if (floats.length > 0) errors.push(`type ${i} ${sigString(t)} uses float value types (floats are not allowed)`);
    if ([...t.params, ...t.results].includes(V128)) errors.push(`type ${i} ${sigString(t)} uses v128 (SIMD)`);
    if (t.params.length > LIMITS.maxParamsPerType) {
      errors.push(`type ${i} has ${t.params.length} params (limit ${LIMITS.maxParamsPerType})`);
    }
    if (t.results.length > LIMITS.maxResultsPerType) {
      errors.push(`type ${i} ${sigString(t)} has ${t.results.length} results (limit ${LIMITS.maxResultsPerType}, no multi-value returns)`);
    }
  });
  if (totalParams > LIMITS.maxTotalParams) {
    errors.push(`function types declare ${totalParams} params in total (limit ${LIMITS.maxTotalParams})`);
  }
}

function checkImports(m: Module, errors: string[]): void {
  if (m.imports.length > LIMITS.maxImports) {
    errors.push(`module has ${m.imports.length} imports (limit ${LIMITS.maxImports})`);
  }
  for (const imp of m.imports) {
    const full = `${imp.module}.${imp.name}`;
    if (imp.kind !== 0) {
      errors.push(`import ${full} is a ${KIND_NAMES[imp.kind]}; only function imports are allowed` +
        (imp.kind === 2 ? " (the memory must be defined and exported, not imported)" : ""));
      continue;
    }
    if (imp.module !== "env") {
      errors.push(`import ${full} is from module "${imp.module}"; only "env" is allowed (use @external("env", "${imp.name}"))`);
      continue;
    }
    const expected = importSignature(imp.name);
    if (expected === undefined) {
      errors.push(`import env.${imp.name} is not provided by CosmWasm (not in the allow-list)`);
      continue;
    }
    const actual = sigString(m.types[imp.typeIndex!]);
    if (actual !== expected) errors.push(`import env.${imp.name} has signature ${actual}; CosmWasm provides ${expected}`);
  }
}

function checkMemoryAndTables(m: Module, errors: string[]): number {
  if (m.memories.length !== 1) {
    errors.push(`module has ${m.memories.length} memories; exactly one is required`);
  }
  const mem = m.memories[0];
  if (mem) {
    const l = mem.limits;
    if (l.max !== undefined) errors.push(`memory 0 declares a maximum (${l.max} pages); the VM requires none`);
    if (l.min > LIMITS.maxMemoryPages) errors.push(`memory 0 initial size ${l.min} pages exceeds ${LIMITS.maxMemoryPages}`);
    if (l.shared) errors.push("memory 0 is shared (threads proposal)");
    if (l.is64) errors.push("memory 0 is a 64-bit memory (memory64 proposal)");
    const exp = m.exports.find((e) => e.name === "memory");
    if (!exp) errors.push(`memory 0 is not exported as "memory"`);
    else if (exp.kind !== 2 || exp.index !== 0) errors.push(`export "memory" is not memory 0`);
  }
  if (m.tables.length > 1) errors.push(`module has ${m.tables.length} tables; at most one is allowed`);
  m.tables.forEach((t, i) => {
    if (t.imported) return; // already reported as a non-function import
    if (t.limits.max === undefined) errors.push(`table ${i} has no maximum; the VM requires one ≤ ${LIMITS.maxTableSize}`);
    else if (t.limits.max > LIMITS.maxTableSize) errors.push(`table ${i} maximum ${t.limits.max} exceeds ${LIMITS.maxTableSize}`);
  });
  return mem ? mem.limits.min : 0;
}

function checkExports(m: Module, o: ReturnType<typeof resolveOptions>, errors: string[]): string[] {
  const funcExports = new Map<string, number>();
  for (const e of m.exports) {
    if (e.kind === 0) {
      if (e.index >= m.funcTypes.length) throw new Malformed(`export "${e.name}": function index ${e.index} out of range`);
      funcExports.set(e.name, e.index);
    }
  }
  const nonFunc = (name: string) => m.exports.some((e) => e.name === name && e.kind !== 0);

  const versions = [...funcExports.keys()].filter((n) => n.startsWith(INTERFACE_VERSION_PREFIX));
  if (versions.length === 0) errors.push(`missing export ${INTERFACE_VERSION}`);
  else if (versions.length > 1) errors.push(`more than one interface_version_* export: ${versions.join(", ")}`);
  else if (versions[0] !== INTERFACE_VERSION) {
    errors.push(`export ${versions[0]} is not supported; the VM requires ${INTERFACE_VERSION}`);
  }

  for (const name of REQUIRED_EXPORTS) {
    if (!funcExports.has(name)) {
      errors.push(`missing required export ${name} ${ENTRY_POINTS[name].join(" or ")}` +
        (nonFunc(name) ? " (the export exists but is not a function)" : ""));
    }
  }
  for (const [name, sigs] of Object.entries(ENTRY_POINTS)) {
    const idx = funcExports.get(name);
    if (idx === undefined) continue;
    const actual = sigString(funcType(m, idx));
    if (!sigs.includes(actual)) errors.push(`export ${name} has signature ${actual}; expected ${sigs.join(" or ")}`);
  }

  const ibcPresent = IBC_EXPORTS.filter((n) => funcExports.has(n));
  if (ibcPresent.length > 0 || o.requireIbcExports) {
    const missing = IBC_EXPORTS.filter((n) => !funcExports.has(n));
    if (missing.length > 0) {
      errors.push(`incomplete IBC entry points: missing ${missing.join(", ")}` +
        (ibcPresent.length > 0 ? ` (has ${ibcPresent.join(", ")}); wasmd binds an IBC port only when all six exist` : ""));
    }
  }

  const capabilities: string[] = [];
  for (const e of m.exports) {
    if (!e.name.startsWith(CAPABILITY_PREFIX)) continue;
    const cap = e.name.slice(CAPABILITY_PREFIX.length);
    if (e.kind !== 0) {
      errors.push(`export ${e.name} is a ${KIND_NAMES[e.kind]}; capability markers must be functions`);
      continue;
    }
    capabilities.push(cap);
    if (!o.capabilities.has(cap)) {
      errors.push(`export ${e.name}: capability "${cap}" is not available on the target chain (available: ${[...o.capabilities].join(", ")})`);
    }
  }
  return capabilities;
}

interface LocalsStats { maxLocals: number; maxLocalsFunction: number | string; totalLocals: number }

function checkFunctions(m: Module, buf: Uint8Array, o: ReturnType<typeof resolveOptions>, errors: string[]): LocalsStats {
  const defined = m.funcTypes.length - m.importedFuncs;
  if (defined > LIMITS.maxFunctions) errors.push(`module defines ${defined} functions (limit ${LIMITS.maxFunctions})`);

  let maxLocals = 0, maxLocalsFunction: number | string = -1, totalLocals = 0;
  for (const b of m.bodies) {
    const label = funcLabel(m, b.funcIndex);
    totalLocals += b.declaredLocals;
    if (b.declaredLocals > maxLocals || maxLocalsFunction === -1) {
      maxLocals = b.declaredLocals;
      maxLocalsFunction = label !== `func ${b.funcIndex}` ? label : b.funcIndex;
    }
    if (b.declaredLocals > o.maxLocalsPerFunction) {
      errors.push(`${label} declares ${b.declaredLocals} locals (limit ${o.maxLocalsPerFunction}; build optimised, e.g. -O3)`);
    }
    for (const t of b.localTypes) {
      if (t === F32 || t === F64) errors.push(`${label} declares ${VALTYPE_NAMES[t]} locals (floats are not allowed)`);
      if (t === V128) errors.push(`${label} declares v128 locals (SIMD)`);
    }
    try {
      const r = new Reader(buf, b.start, b.end);
      const f = walkInstructions(r, m.types.length, false);
      if (f) errors.push(`${label}: ${describeForbidden(f)}`);
      else if (r.pos !== b.end) r.fail("bytes after the final end of the function body");
    } catch (e) {
      if (!(e instanceof Malformed)) throw e;
      errors.push(`malformed module: ${label}: ${e.message}`);
    }
  }
  if (totalLocals > o.maxTotalLocals) {
    errors.push(`module declares ${totalLocals} locals in total (limit ${o.maxTotalLocals})`);
  }
  return { maxLocals, maxLocalsFunction, totalLocals };
}

function checkConstExprs(m: Module, errors: string[]): void {
  for (const c of m.constExprs) {
    if (c.forbidden) errors.push(`${c.what}: ${describeForbidden(c.forbidden)}`);
  }
  for (const g of m.globals.map((g, i) => ({ ...g, i }))) {
    if (g.type === F32 || g.type === F64) errors.push(`global ${g.i} has type ${VALTYPE_NAMES[g.type]} (floats are not allowed)`);
    if (g.type === V128) errors.push(`global ${g.i} has type v128 (SIMD)`);
  }
}

export function checkWasm(bytes: Uint8Array, opts: GateOptions = {}): GateReport {
  const o = resolveOptions(opts);
  const errors: string[] = [];
  const stats: GateReport["stats"] = {
    sizeBytes: bytes.length, functions: 0, maxLocals: 0, maxLocalsFunction: -1, totalLocals: 0,
    imports: [], exports: [], capabilities: [], memoryPages: 0,
  };

  if (bytes.length > o.maxSizeBytes) {
    errors.push(`module is ${bytes.length} bytes (${(bytes.length / 1024).toFixed(1)} KiB), over the upload limit of ${o.maxSizeBytes} bytes`);
  }

  try {
    const m = parseModule(bytes);
    stats.functions = m.funcTypes.length - m.importedFuncs;
    stats.imports = m.imports.map((i) => (i.module === "env" ? i.name : `${i.module}.${i.name}`));
    stats.exports = m.exports.map((e) => e.name);

    if (m.start !== undefined) {
      const label = m.start < m.funcTypes.length ? funcLabel(m, m.start) : `func ${m.start}`;
      errors.push(`start section present (${label}): cosmwasm-vm runs it before gas is set, so every call would fail; ` +
        `build with --exportStart and the no-start transform`);
    }
    if (m.hasDataCount) errors.push("datacount section present (bulk-memory proposal): build with --disable bulk-memory");
    if (m.hasTags) errors.push("tag section/import present (exception-handling proposal)");
    errors.push(...m.segmentErrors);

    checkTypes(m, errors);
    checkImports(m, errors);
    stats.memoryPages = checkMemoryAndTables(m, errors);
    stats.capabilities = checkExports(m, o, errors);
    Object.assign(stats, checkFunctions(m, bytes, o, errors));
    checkConstExprs(m, errors);
  } catch (e) {
    // Nothing may escape: a gate that throws on hostile input would be a gate that can be bypassed by crashing it.
    errors.push(`malformed module: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { ok: errors.length === 0, errors, stats };
}
