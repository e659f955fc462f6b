import { execFileSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { checkWasm, GateReport } from "../../src/gate/gate";
import { addMinimalExports, I32_CONST_0, minimalContract, WasmBuilder } from "../helpers/wasm-builder";

const DROP = 0x1a;

function expectOnlyError(r: GateReport, pattern: RegExp | string): void {
  expect(r.ok).toBe(false);
  expect(r.errors).toHaveLength(1);
  if (typeof pattern === "string") expect(r.errors[0]).toBe(pattern);
  else expect(r.errors[0]).toMatch(pattern);
}

/** A minimal contract plus one extra (exported, named) function with the given body. */
function withBody(body: number[], sig = "()->()", locals: Array<[number, string]> = []): GateReport {
  const b = minimalContract();
  b.func(sig, body, { export: "bad", name: "my/bad_fn", locals });
  return checkWasm(b.build());
}

describe("wasm gate", () => {
  test("a minimal valid contract passes, with stats", () => {
    const b = new WasmBuilder();
    b.importFunc("env", "db_read", "(i32)->i32");
    b.importFunc("env", "abort", "(i32)->()");
    addMinimalExports(b);
    b.func("(i32,i32,i32)->i32", I32_CONST_0, { export: "execute", locals: [[3, "i32"], [2, "i64"]], name: "contract/execute" });
    b.func("(i32,i32)->i32", I32_CONST_0, { export: "query" });
    b.func("(i32,i32,i32)->i32", I32_CONST_0, { export: "migrate" });
    b.func("()->()", [], { export: "requires_iterator" });
    const r = checkWasm(b.build());
    expect(r.errors).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.stats).toMatchObject({
      functions: 8,
      maxLocals: 5,
      maxLocalsFunction: 'func 6 "contract/execute" (export "execute")',
      totalLocals: 5,
      imports: ["db_read", "abort"],
      capabilities: ["iterator"],
      memoryPages: 1,
    });
    expect(r.stats.exports).toEqual(expect.arrayContaining(["memory", "interface_version_8", "allocate", "query"]));
  });

  test("a start section is rejected and names the function", () => {
    const b = minimalContract();
    const init = b.func("()->()", [], { name: "~start" });
    b.start(init);
    expectOnlyError(checkWasm(b.build()), /^start section present \(func 4 "~start"\): cosmwasm-vm runs it before gas is set/);
  });

  test("a datacount section (bulk memory) is rejected", () => {
    expectOnlyError(checkWasm(minimalContract().withDataCount(0).build()), /^datacount section present \(bulk-memory proposal\)/);
  });

  test("f64.add is rejected with the function index, name and export", () => {
    // f64 locals keep the body well-typed without a float const, so f64.add is the first float instruction.
    const r = withBody([0x20, 0x00, 0x20, 0x00, 0xa0, DROP], "()->()", [[1, "f64"]]);
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([
      'func 4 "my/bad_fn" (export "bad") declares f64 locals (floats are not allowed)',
      expect.stringMatching(/^func 4 "my\/bad_fn" \(export "bad"\): forbidden float instruction f64\.add at byte 0x[0-9a-f]+$/),
    ]);
  });

  test("f32.const in a body is rejected", () => {
    expectOnlyError(withBody([0x43, 0, 0, 0x80, 0x3f, DROP]), /^func 4 "my\/bad_fn" \(export "bad"\): forbidden float instruction f32\.const at byte/);
  });

  test("float value types in function types and globals are rejected", () => {
    const b = minimalContract();
    b.func("(f32)->f64", [0x44, 0, 0, 0, 0, 0, 0, 0, 0]);
    b.global("f64", false, [0x44, 0, 0, 0, 0, 0, 0, 0, 0]);
    const r = checkWasm(b.build());
    expect(r.errors).toEqual(expect.arrayContaining([
      "type 4 (f32)->f64 uses float value types (floats are not allowed)",
      "global 0 has type f64 (floats are not allowed)",
      expect.stringMatching(/^global 0 initialiser: forbidden float instruction f64\.const/),
      expect.stringMatching(/^func 4: forbidden float instruction f64\.const/),
    ]));
  });

  test("memory.copy (0xfc 10) is rejected as bulk memory", () => {
    expectOnlyError(withBody([0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 0x0a, 0x00, 0x00]),
      /: forbidden bulk-memory\/reference-types instruction memory\.copy \(0xfc 10\) at byte/);
  });

  test("i32.trunc_sat_f32_s (0xfc 0) is rejected", () => {
    // Use the trunc_sat on an i32 operand: the gate is a static opcode check, not a type checker.
    expectOnlyError(withBody([0x41, 0, 0xfc, 0x00, DROP]),
      /: forbidden non-trapping float-to-int \(trunc_sat\) instruction i32\.trunc_sat_f32_s \(0xfc 0\)/);
  });

  test("SIMD (0xfd) is rejected", () => {
    expectOnlyError(withBody([0x41, 1, 0xfd, 0x11, DROP]), /: forbidden SIMD instruction SIMD instruction \(0xfd prefix\)/);
    expectOnlyError(withBody([0xfd, 0x0c, ...new Array(16).fill(0), DROP]), /: forbidden SIMD instruction v128\.const/);
  });

  test.each([
    ["return_call (tail call)", [0x12, 0x00], /forbidden tail-call instruction return_call /],
    ["ref.func", [0xd2, 0x00, DROP], /forbidden reference-types instruction ref\.func/],
    ["typed select", [0x41, 0, 0x41, 0, 0x41, 0, 0x1c, 0x01, 0x7f, DROP], /forbidden reference-types instruction select \(typed/],
    ["throw", [0x08, 0x00], /forbidden exception-handling instruction throw /],
    ["atomics", [0x41, 0, 0xfe, 0x10, 0x02, 0x00, DROP], /forbidden threads\/atomics instruction/],
  ])("%s is rejected", (_name, body, pattern) => {
    expectOnlyError(withBody(body as number[]), pattern as RegExp);
  });

  test("only the first offending instruction per function is reported, in every function", () => {
    const b = minimalContract();
    b.func("()->()", [0x43, 0, 0, 0, 0, DROP, 0x44, 0, 0, 0, 0, 0, 0, 0, 0, DROP]);
    b.func("()->()", [0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 0x0b, 0x00]);
    const r = checkWasm(b.build());
    expect(r.errors).toHaveLength(2);
    expect(r.errors[0]).toMatch(/^func 4: forbidden float instruction f32\.const/);
    expect(r.errors[1]).toMatch(/^func 5: forbidden bulk-memory.* memory\.fill/);
  });

  describe("imports", () => {
    function withImport(module: string, name: string, sig: string): GateReport {
      const b = new WasmBuilder();
      b.importFunc(module, name, sig);
      return checkWasm(addMinimalExports(b).build());
    }

    test("every allow-listed import with its exact signature passes", () => {
      expect(withImport("env", "secp256k1_recover_pubkey", "(i32,i32,i32)->i64").errors).toEqual([]);
      expect(withImport("env", "bls12_381_hash_to_g2", "(i32,i32,i32,i32)->i32").errors).toEqual([]);
    });

    test("a name outside the allow-list is rejected", () => {
      expectOnlyError(withImport("env", "console.log", "(i32)->()"),
        "import env.console.log is not provided by CosmWasm (not in the allow-list)");
    });

    test("asc's 4-argument abort is rejected", () => {
      expectOnlyError(withImport("env", "abort", "(i32,i32,i32,i32)->()"),
        "import env.abort has signature (i32,i32,i32,i32)->(); CosmWasm provides (i32)->()");
    });

    test("a wrong result type is rejected", () => {
      expectOnlyError(withImport("env", "secp256k1_recover_pubkey", "(i32,i32,i32)->i32"),
        "import env.secp256k1_recover_pubkey has signature (i32,i32,i32)->i32; CosmWasm provides (i32,i32,i32)->i64");
    });

    test('an import from module "imp" is rejected', () => {
      expectOnlyError(withImport("imp", "db_read", "(i32)->i32"),
        'import imp.db_read is from module "imp"; only "env" is allowed (use @external("env", "db_read"))');
    });

    test("more than 100 imports are rejected", () => {
      const b = new WasmBuilder();
      for (let i = 0; i < 101; i++) b.importFunc("env", "db_read", "(i32)->i32");
      expectOnlyError(checkWasm(addMinimalExports(b).build()), "module has 101 imports (limit 100)");
    });
  });

  describe("memory and tables", () => {
    function contractWithMemory(setup: (b: WasmBuilder) => void): GateReport {
      const b = new WasmBuilder();
      setup(b);
      b.func("()->()", [], { export: "interface_version_8" });
      b.func("(i32)->i32", [0x20, 0], { export: "allocate" });
      b.func("(i32)->()", [], { export: "deallocate" });
      b.func("(i32,i32,i32)->i32", I32_CONST_0, { export: "instantiate" });
      return checkWasm(b.build());
    }

    test("an imported memory is rejected", () => {
      const r = contractWithMemory((b) => b.importMemory("env", "memory", { min: 1 }));
      expect(r.ok).toBe(false);
      expect(r.errors).toContain(
        "import env.memory is a memory; only function imports are allowed (the memory must be defined and exported, not imported)");
    });

    test("a memory with a maximum is rejected", () => {
      expectOnlyError(contractWithMemory((b) => b.memory({ min: 1, max: 16 })),
        "memory 0 declares a maximum (16 pages); the VM requires none");
    });

    test("two memories are rejected", () => {
      expectOnlyError(contractWithMemory((b) => { b.memory({ min: 1 }); b.memory({ min: 1 }, null); }),
        "module has 2 memories; exactly one is required");
    });

    test("no memory, an unexported memory and too many pages are rejected", () => {
      expectOnlyError(contractWithMemory(() => undefined), "module has 0 memories; exactly one is required");
      expectOnlyError(contractWithMemory((b) => b.memory({ min: 1 }, null)), 'memory 0 is not exported as "memory"');
      expectOnlyError(contractWithMemory((b) => b.memory({ min: 513 })), "memory 0 initial size 513 pages exceeds 512");
      expect(contractWithMemory((b) => b.memory({ min: 512 })).ok).toBe(true);
    });

    test("tables must be bounded by 2500", () => {
      expect(checkWasm(minimalContract().table({ min: 1, max: 2500 }).build()).ok).toBe(true);
      expectOnlyError(checkWasm(minimalContract().table({ min: 1 }).build()),
        "table 0 has no maximum; the VM requires one ≤ 2500");
      expectOnlyError(checkWasm(minimalContract().table({ min: 1, max: 2501 }).build()), "table 0 maximum 2501 exceeds 2500");
    });
  });

  describe("exports", () => {
    test("missing allocate is rejected", () => {
      const b = new WasmBuilder().memory({ min: 1 });
      b.func("()->()", [], { export: "interface_version_8" });
      b.func("(i32)->()", [], { export: "deallocate" });
      b.func("(i32,i32,i32)->i32", I32_CONST_0, { export: "instantiate" });
      expectOnlyError(checkWasm(b.build()), "missing required export allocate (i32)->i32");
    });

    test("missing instantiate is rejected", () => {
      const b = new WasmBuilder().memory({ min: 1 });
      b.func("()->()", [], { export: "interface_version_8" });
      b.func("(i32)->i32", [0x20, 0], { export: "allocate" });
      b.func("(i32)->()", [], { export: "deallocate" });
      expectOnlyError(checkWasm(b.build()), "missing required export instantiate (i32,i32,i32)->i32");
    });

    test("execute with the wrong arity is rejected", () => {
      const b = minimalContract();
      b.func("(i32,i32)->i32", I32_CONST_0, { export: "execute" });
      expectOnlyError(checkWasm(b.build()), "export execute has signature (i32,i32)->i32; expected (i32,i32,i32)->i32");
    });

    test("migrate accepts 2 or 3 args; query must take 2", () => {
      const two = minimalContract();
      two.func("(i32,i32)->i32", I32_CONST_0, { export: "migrate" });
      expect(checkWasm(two.build()).ok).toBe(true);
      const bad = minimalContract();
      bad.func("(i32,i32,i32)->i32", I32_CONST_0, { export: "query" });
      expectOnlyError(checkWasm(bad.build()), "export query has signature (i32,i32,i32)->i32; expected (i32,i32)->i32");
    });

    test("interface_version_7 is rejected", () => {
      const b = new WasmBuilder().memory({ min: 1 });
      b.func("()->()", [], { export: "interface_version_7" });
      b.func("(i32)->i32", [0x20, 0], { export: "allocate" });
      b.func("(i32)->()", [], { export: "deallocate" });
      b.func("(i32,i32,i32)->i32", I32_CONST_0, { export: "instantiate" });
      expectOnlyError(checkWasm(b.build()), "export interface_version_7 is not supported; the VM requires interface_version_8");
    });

    test("two interface_version_* exports are rejected", () => {
      const b = minimalContract();
      b.func("()->()", [], { export: "interface_version_9" });
      expectOnlyError(checkWasm(b.build()), "more than one interface_version_* export: interface_version_8, interface_version_9");
    });

    test("a partial IBC export set is rejected; the full set passes", () => {
      const partial = minimalContract();
      partial.func("(i32,i32)->i32", I32_CONST_0, { export: "ibc_channel_open" });
      partial.func("(i32,i32)->i32", I32_CONST_0, { export: "ibc_packet_receive" });
      expectOnlyError(checkWasm(partial.build()),
        "incomplete IBC entry points: missing ibc_channel_connect, ibc_channel_close, ibc_packet_ack, ibc_packet_timeout " +
        "(has ibc_channel_open, ibc_packet_receive); wasmd binds an IBC port only when all six exist");

      const full = minimalContract();
      for (const name of ["ibc_channel_open", "ibc_channel_connect", "ibc_channel_close", "ibc_packet_receive",
        "ibc_packet_ack", "ibc_packet_timeout"]) {
        full.func("(i32,i32)->i32", I32_CONST_0, { export: name });
      }
      expect(checkWasm(full.build()).errors).toEqual([]);
    });

    test("requireIbcExports demands the six IBC entry points", () => {
      const r = checkWasm(minimalContract().build(), { requireIbcExports: true });
      expectOnlyError(r, /^incomplete IBC entry points: missing ibc_channel_open, ibc_channel_connect/);
    });

    test("requires_cosmwasm_3_0 is rejected while requires_iterator is accepted", () => {
      const ok = minimalContract();
      ok.func("()->()", [], { export: "requires_iterator" });
      expect(checkWasm(ok.build()).ok).toBe(true);

      const bad = minimalContract();
      bad.func("()->()", [], { export: "requires_iterator" });
      bad.func("()->()", [], { export: "requires_cosmwasm_3_0" });
      const r = checkWasm(bad.build());
      expectOnlyError(r, /^export requires_cosmwasm_3_0: capability "cosmwasm_3_0" is not available on the target chain/);
      expect(r.stats.capabilities).toEqual(["iterator", "cosmwasm_3_0"]);
      // A chain that does offer it is configurable.
      expect(checkWasm(bad.build(), { capabilities: ["iterator", "cosmwasm_3_0"] }).ok).toBe(true);
    });
  });

  describe("function limits", () => {
    test("100 declared locals are accepted, 101 rejected (params do not count)", () => {
      const at100 = withBody([], "(i32,i32,i32)->()", [[60, "i32"], [40, "i64"]]);
      expect(at100.errors).toEqual([]);
      expect(at100.stats.maxLocals).toBe(100);
      expect(at100.stats.maxLocalsFunction).toBe('func 4 "my/bad_fn" (export "bad")');

      const at101 = withBody([], "(i32,i32,i32)->()", [[60, "i32"], [41, "i64"]]);
      expectOnlyError(at101, 'func 4 "my/bad_fn" (export "bad") declares 101 locals (limit 100; build optimised, e.g. -O3)');
    });

    test("the total declared locals limit applies across functions", () => {
      const b = minimalContract();
      for (let i = 0; i < 3; i++) b.func("()->()", [], { locals: [[50, "i32"]] });
      expect(checkWasm(b.build(), { maxTotalLocals: 150 }).ok).toBe(true);
      expectOnlyError(checkWasm(b.build(), { maxTotalLocals: 149 }), "module declares 150 locals in total (limit 149)");
    });

    test("more than one result per function type is rejected", () => {
      const b = minimalContract();
      b.func("()->(i32,i32)", [0x41, 0, 0x41, 0]);
      expectOnlyError(checkWasm(b.build()), "type 4 ()->(i32,i32) has 2 results (limit 1, no multi-value returns)");
    });

    test("more than 100 params per function type are rejected", () => {
      const b = minimalContract();
      b.func(`(${new Array(101).fill("i32").join(",")})->()`, []);
      expectOnlyError(checkWasm(b.build()), "type 4 has 101 params (limit 100)");
    });
  });

  test("a module over the size limit is rejected", () => {
    const big = minimalContract().custom("padding", new Array(800 * 1024).fill(0)).build();
    expect(big.length).toBeGreaterThan(800 * 1024);
    expectOnlyError(checkWasm(big), new RegExp(`^module is ${big.length} bytes \\(.* KiB\\), over the upload limit of 819200 bytes$`));
    expect(checkWasm(big, { maxSizeBytes: big.length }).ok).toBe(true);
  });

  describe("malformed input never throws", () => {
    test("garbage, empty and wrong-version inputs", () => {
      expectOnlyError(checkWasm(new Uint8Array([])), /^malformed module: file too short/);
      expectOnlyError(checkWasm(Uint8Array.from(Buffer.from("hello, this is not wasm"))), "malformed module: bad magic number (not a wasm binary)");
      expectOnlyError(checkWasm(new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0])), /^malformed module: unsupported wasm version/);
    });

    test("every truncation inside a section is reported as malformed", () => {
      const bytes = minimalContract().build();
      // Cutting exactly between sections can leave a well-formed (if incomplete) module, so skip those offsets.
      const boundaries = new Set<number>([8]);
      for (let pos = 8; pos < bytes.length;) {
        pos++; // section id
        let size = 0, shift = 0, b: number;
        do { b = bytes[pos++]; size |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80);
        pos += size;
        boundaries.add(pos);
      }
      for (let n = 0; n < bytes.length; n++) {
        const r = checkWasm(bytes.subarray(0, n));
        expect(r.ok).toBe(false);
        if (!boundaries.has(n)) expect(r.errors).toEqual([expect.stringMatching(/^malformed module: /)]);
      }
    });

    test("single-byte corruptions never throw", () => {
      const bytes = minimalContract().build();
      for (let i = 8; i < bytes.length; i++) {
        for (const v of [0x00, 0x7f, 0x80, 0xff]) {
          const copy = Uint8Array.from(bytes);
          copy[i] = v;
          expect(() => checkWasm(copy)).not.toThrow();
        }
      }
    });

    test("an unknown opcode is reported for its function", () => {
      const r = withBody([0x41, 0, 0xc5, DROP]);
      expectOnlyError(r, /^malformed module: func 4 "my\/bad_fn" \(export "bad"\): unknown opcode 0xc5 at byte 0x[0-9a-f]+$/);
    });

    test("a body without its final end is malformed", () => {
      // block without end: the function's `end` closes the block, and the body runs out.
      expectOnlyError(withBody([0x02, 0x40]), /^malformed module: func 4 .*: expression is missing its final end/);
    });
  });

  // A real asc default build: start section, bulk memory and the 4-argument env.abort must all be named.
  test("an AssemblyScript default build is rejected for the known reasons", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "gate-asc-"));
    try {
      writeFileSync(path.join(dir, "c.ts"), [
        "const buf = new Uint8Array(16);",
        "export function instantiate(a: i32, b: i32, c: i32): i32 {",
        '  if (a == 0) throw new Error("zero");',
        "  const x = new Uint8Array(a);",
        "  memory.copy(x.dataStart, b, c);",
        "  return x.length + buf.length;",
        "}",
      ].join("\n"));
      const asc = path.resolve(__dirname, "../../node_modules/assemblyscript/bin/asc.js");
      // cwd is the temp dir so the repo's asconfig.json (custom transform) is not picked up.
      execFileSync(process.execPath, [asc, "c.ts", "-o", "c.wasm", "--debug"], { cwd: dir, stdio: "pipe", timeout: 60000 });
      const r = checkWasm(readFileSync(path.join(dir, "c.wasm")));
      expect(r.ok).toBe(false);
      expect(r.errors).toEqual(expect.arrayContaining([
        expect.stringMatching(/^start section present \(func \d+ "~start"\)/),
        expect.stringMatching(/^datacount section present/),
        "import env.abort has signature (i32,i32,i32,i32)->(); CosmWasm provides (i32)->()",
        expect.stringMatching(/^func \d+ "c\/instantiate" \(export "instantiate"\): forbidden bulk-memory\/reference-types instruction memory\.copy/),
        "missing export interface_version_8",
      ]));
      expect(r.errors.some((e) => e.startsWith("malformed"))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30000);
});
