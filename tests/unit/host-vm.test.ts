// The VM layer of the host (one entry-point call): Region protocol, imports, limits, VM errors vs contract errors,
// fresh instances. Driven through Chain with the WAT command contract (tests/helpers/wat/kv-contract.ts).

import { Chain, QueryError, TxResult } from "../../src/host";
import { compileWat } from "../helpers/wat/compile";
import { kvContractWat } from "../helpers/wat/kv-contract";
import { minimalWat } from "../helpers/wat/minimal";

let kvWasm: Uint8Array;
beforeAll(async () => {
  kvWasm = await compileWat(kvContractWat());
});

function setup() {
  const chain = new Chain({ chainId: "mesh-a", prefix: "wasm", bondDenom: "ustake" });
  const code = chain.storeCode(kvWasm);
  const alice = chain.addr("alice");
  chain.fund(alice, [{ denom: "ustake", amount: "1000" }]);
  const r = chain.instantiate(alice, code, "");
  if (!r.ok) throw new Error(r.error);
  return { chain, code, alice, c: r.address! };
}

const text = (b?: Uint8Array) => (b ? Buffer.from(b).toString("utf8") : "");
function ok(r: TxResult): string {
  if (!r.ok) throw new Error(`tx failed: ${r.error}`);
  return text(r.data);
}
const q = (chain: Chain, c: string, cmds: string) => text(chain.queryBytes(c, cmds));
const raw = (chain: Chain, c: string, key: string) => {
  const v = chain.queryRaw(c, key);
  return v === undefined ? undefined : text(v);
};

describe("host VM: Region protocol and entry points", () => {
  test("non-ASCII msg bytes round-trip exactly (allocation by UTF-8 byte length)", () => {
    const { chain, alice, c } = setup();
    const s = "écho 日本語 😀 ß";
    expect(ok(chain.execute(alice, c, `B${s}`))).toBe(s);
    ok(chain.execute(alice, c, `Wclé=välue 😀`));
    expect(raw(chain, c, "clé")).toBe("välue 😀");
    expect(q(chain, c, "Rclé")).toBe("välue 😀");
  });

  test("env and info are wasmd's JSON: transaction index in txs, null in queries", () => {
    const { chain, alice, c } = setup();
    const out = ok(chain.execute(alice, c, "N;B\n;I", [{ denom: "ustake", amount: "7" }]));
    const [env, info] = out.split("\n");
    expect(env).toBe(
      `{"block":{"height":1,"time":"1700000000000000000","chain_id":"mesh-a"},"transaction":{"index":1},"contract":{"address":"${c}"}}`,
    );
    expect(JSON.parse(info)).toEqual({ sender: alice, funds: [{ denom: "ustake", amount: "7" }] });
    expect(JSON.parse(q(chain, c, "N")).transaction).toBeNull();
    expect(JSON.parse(ok(chain.execute(alice, c, "I"))).funds).toEqual([]);
  });

  test("a fresh instance per call: a global counter is 1 on every call", () => {
    const { chain, alice, c } = setup();
    const before = { ...chain.stats };
    expect(ok(chain.execute(alice, c, "G"))).toBe("1");
    expect(ok(chain.execute(alice, c, "G"))).toBe("1");
    expect(q(chain, c, "G;G")).toBe("12"); // within one call the global does persist
    expect(chain.stats.calls - before.calls).toBe(3);
    expect(chain.stats.instances - before.instances).toBe(3);
  });
});

describe("host VM: storage imports", () => {
  test("db_read / db_write / db_remove, including an empty value (a Region, not 0)", () => {
    const { chain, alice, c } = setup();
    ok(chain.execute(alice, c, "Wk=v;Wempty="));
    expect(q(chain, c, "Rk;B|;Rempty;B|;Rmissing")).toBe("v||<nil>");
    ok(chain.execute(alice, c, "Dk;Dmissing"));
    expect(q(chain, c, "Rk")).toBe("<nil>");
    expect(raw(chain, c, "k")).toBeUndefined();
    expect(raw(chain, c, "empty")).toBe("");
  });

  test("db_scan: bounds, both orders, null vs empty bounds, deletions and writes of the uncommitted tx layer", () => {
    const { chain, alice, c } = setup();
    ok(chain.execute(alice, c, "Wa=0;Wb=0;Wc=0;Wd=0;We=0"));
    // one tx: the committed a..e under an uncommitted layer that deletes b, adds bb, overwrites c
    const out = ok(chain.execute(alice, c, "Db;Wbb=1;Wc=1;Sa*,*;B|;Sdb,e;B|;Sac,*;B|;Sa*,c;B|;Sa,c;B|;Sab,;B|;Kd*,*;B|;Va*,bb"));
    expect(out.split("|")).toEqual([
      "a=0,bb=1,c=1,d=0,e=0,",
      "d=0,c=1,bb=1,", // desc, start inclusive, end exclusive
      "c=1,d=0,e=0,",
      "a=0,bb=1,",
      "a=0,bb=1,", // an empty start Region is the smallest key
      "", // an empty end Region: empty range (it is not "unbounded")
      "e,d,c,bb,a,",
      "0,",
    ]);
    // the writes were committed with the tx
    expect(q(chain, c, "Sa*,*")).toBe("a=0,bb=1,c=1,d=0,e=0,");
  });

  test("db_scan with an invalid order is a VM error", () => {
    const { chain, alice, c } = setup();
    const r = chain.execute(alice, c, "S7*,*");
    expect(r).toMatchObject({ ok: false, vmError: true, codespace: "wasm", code: 29 });
    expect(!r.ok && r.error).toMatch(/Got an invalid value for iteration order: 7/);
  });

  test("key and value length limits are VM errors (64 KiB key, 128 KiB value)", () => {
    const { chain, alice, c } = setup();
    expect(chain.execute(alice, c, "Y65536").ok).toBe(true);
    expect(chain.execute(alice, c, "Z131072").ok).toBe(true);
    const k = chain.execute(alice, c, "Y65537");
    expect(k.ok === false && k.vmError && k.error).toMatch(/Key too big\. Tried to write 65537 bytes to storage, limit is 65536/);
    const v = chain.execute(alice, c, "Z131073");
    expect(v.ok === false && v.vmError && v.error).toMatch(/Value too big\. Tried to write 131073 bytes to storage, limit is 131072/);
  });

  test("writes in a query are rejected with a VM error (db_write and db_remove)", () => {
    const { chain, alice, c } = setup();
    ok(chain.execute(alice, c, "Wq=0"));
    for (const cmd of ["Wq=1", "Dq"]) {
      let err: unknown;
      try {
        chain.queryBytes(c, cmd);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(QueryError);
      expect((err as QueryError).vmError).toBe(true);
      expect((err as QueryError).message).toMatch(/Write access denied/);
    }
    expect(raw(chain, c, "q")).toBe("0");
  });
});

describe("host VM: failures leave no state behind", () => {
  test("a business error leaves no writes, also not after the next successful call", () => {
    const { chain, alice, c } = setup();
    const r = chain.execute(alice, c, "Wdirty=1;Eboom");
    expect(r).toEqual({ ok: false, error: "boom: execute wasm contract failed", vmError: false, codespace: "wasm", code: 5 });
    ok(chain.execute(alice, c, "Wclean=1"));
    expect(raw(chain, c, "dirty")).toBeUndefined();
    expect(raw(chain, c, "clean")).toBe("1");
    expect(q(chain, c, "Sa*,*")).toBe("clean=1,");
  });

  test("a trap and an abort are VM errors and leave no writes", () => {
    const { chain, alice, c } = setup();
    const trap = chain.execute(alice, c, "Wt=1;X");
    expect(trap).toMatchObject({ ok: false, vmError: true });
    expect(!trap.ok && trap.error).toMatch(/RuntimeError: unreachable/);
    const abort = chain.execute(alice, c, "Wt=2;Apanicked at ü \xff");
    expect(abort).toMatchObject({ ok: false, vmError: true });
    expect(!abort.ok && abort.error).toMatch(/^Aborted: panicked at ü ÿ: wasmvm error$/);
    ok(chain.execute(alice, c, "Wok=1"));
    expect(raw(chain, c, "t")).toBeUndefined();
  });

  test("a query error is a QueryError carrying the contract's message", () => {
    const { chain, c } = setup();
    expect(() => chain.query(c, "Enope")).toThrow("nope: query wasm contract failed");
    try {
      chain.query(c, "X");
    } catch (e) {
      expect((e as QueryError).vmError).toBe(true);
    }
    expect.assertions(2);
  });
});

describe("host VM: address and debug imports", () => {
  test("addr_validate mimics the chain's messages", () => {
    const { chain, alice, c } = setup();
    const v = (a: string) => q(chain, c, `L${a}`);
    expect(v(alice)).toBe("ok");
    expect(v(alice.toUpperCase())).toBe("address not normalized");
    expect(v("")).toBe("Input is empty");
    expect(v(alice.slice(0, -1) + (alice.endsWith("q") ? "p" : "q"))).toMatch(/^decoding bech32 failed: invalid checksum/);
    expect(v("cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu")).toBe("invalid Bech32 prefix; expected wasm, got cosmos");
    expect(v("Wasm1abc")).toBe("decoding bech32 failed: string not all lowercase or all uppercase");
  });

  test("addr_canonicalize + addr_humanize round trip, errors as Regions", () => {
    const { chain, alice, c } = setup();
    expect(q(chain, c, `C${alice}`)).toBe(alice);
    expect(q(chain, c, `C${c}`)).toBe(c); // 32-byte contract address
    expect(q(chain, c, "Cnot-an-address")).toMatch(/^decoding bech32 failed/);
  });

  test("an address input longer than 256 bytes is a VM error", () => {
    const { chain, c } = setup();
    expect(() => chain.queryBytes(c, `L${"a".repeat(257)}`)).toThrow(/Region length too big. Got 257, limit 256/);
  });

  test("debug messages are collected per call", () => {
    const { chain, alice, c } = setup();
    ok(chain.execute(alice, c, "Phello ü;Pworld"));
    expect(chain.debugLog).toEqual([
      { contract: c, entry: "execute", message: "hello ü" },
      { contract: c, entry: "execute", message: "world" },
    ]);
  });
});

describe("host VM: what the chain VM rejects", () => {
  async function instantiateMinimal(wat: string) {
    const chain = new Chain({ chainId: "t", prefix: "wasm", bondDenom: "ustake" });
    const code = chain.storeCode(await compileWat(wat));
    return chain.instantiate(chain.addr("alice"), code, "{}");
  }

  test("the minimal module works (baseline)", async () => {
    expect((await instantiateMinimal(minimalWat())).ok).toBe(true);
  });

  test("a start section fails every call, as in cosmwasm-vm", async () => {
    const r = await instantiateMinimal(minimalWat({ extra: "(func $s) (start $s)" }));
    expect(r).toMatchObject({ ok: false, vmError: true });
    expect(!r.ok && r.error).toMatch(/start section/);
  });

  test("an import with the wrong signature (asc's 4-argument abort) fails instantiation", async () => {
    const r = await instantiateMinimal(minimalWat({ imports: ['(import "env" "abort" (func $abort (param i32 i32 i32 i32)))'] }));
    expect(r).toMatchObject({ ok: false, vmError: true });
    expect(!r.ok && r.error).toMatch(/incompatible import type: env\.abort has signature \(i32,i32,i32,i32\)->\(\)/);
  });

  test("imports outside the allow-list are rejected at upload", async () => {
    const chain = new Chain({ chainId: "t", prefix: "wasm", bondDenom: "ustake" });
    const wasm = await compileWat(minimalWat({ imports: ['(import "env" "seed" (func $seed (result f64)))'] }));
    expect(() => chain.storeCode(wasm)).toThrow(/unsupported import: "env\.seed"/);
  });

  test("crypto imports link but throw 'not implemented in host'", async () => {
    const r = await instantiateMinimal(
      minimalWat({
        imports: ['(import "env" "secp256k1_verify" (func $v (param i32 i32 i32) (result i32)))'],
        instantiateBody: "(drop (call $v (i32.const 0) (i32.const 0) (i32.const 0))) (call $ok)",
      }),
    );
    expect(r).toMatchObject({ ok: false, vmError: true });
    expect(!r.ok && r.error).toMatch(/not implemented in host: secp256k1_verify/);
  });

  test("an invalid result Region is a VM error (length > capacity, zero offset)", async () => {
    const lenOverCap = await instantiateMinimal(
      minimalWat({ instantiateBody: "(i32.store (i32.const 200) (i32.const 64)) (i32.store (i32.const 204) (i32.const 5)) (i32.store (i32.const 208) (i32.const 9)) (i32.const 200)" }),
    );
    expect(!lenOverCap.ok && lenOverCap.error).toMatch(/Region length exceeds capacity. Length 9, capacity 5/);
    const zero = await instantiateMinimal(minimalWat({ instantiateBody: "(i32.const 1000)" }));
    expect(!zero.ok && zero.error).toMatch(/Got a zero Wasm address in the offset/);
  });
});

describe("host VM: contract results are parsed as strictly as Go does", () => {
  const cases: [string, RegExp][] = [
    [`M{"messages":[{"id":"1","msg":{"bank":{"send":{"to_address":"x","amount":[]}}},"reply_on":"never"}]}`, /cannot unmarshal string into Go struct field .*id of type uint64/],
    [`M{"messages":[{"id":1.5,"msg":{"bank":{"send":{"to_address":"x","amount":[]}}},"reply_on":"never"}]}`, /cannot unmarshal number 1.5/],
    [`M{"messages":[{"id":18446744073709551616,"msg":{},"reply_on":"never"}]}`, /cannot unmarshal number 18446744073709551616/],
    [`M{"messages":[{"id":1,"msg":{},"reply_on":"sometimes"}]}`, /invalid reply_on value 'sometimes'/],
    [`M{"data":"aGk"}`, /illegal base64 data/],
    [`M{"data":"aG-k"}`, /illegal base64 data/],
    [`M{"attributes":[{"key":"a","value":5}]}`, /cannot unmarshal number 5 into Go struct field .*value of type string/],
    [`Mnull`, /neither a non-empty "error" nor an "ok"/],
    [`M{"attributes":[],}`, /not valid JSON/],
  ];
  test.each(cases)("%s", (cmd, re) => {
    const { chain, alice, c } = setup();
    const r = chain.execute(alice, c, cmd);
    expect(r).toMatchObject({ ok: false, vmError: true });
    expect(!r.ok && r.error).toMatch(re);
  });

  test("a u64 id above 2^53 is kept exactly (reply id)", () => {
    const { chain, alice, c } = setup();
    const big = "18446744073709551615";
    const send = { bank: { send: { to_address: alice, amount: [{ denom: "ustake", amount: "1" }] } } };
    chain.fund(c, [{ denom: "ustake", amount: "5" }]);
    ok(chain.execute(alice, c, `M{"messages":[{"id":${big},"msg":${JSON.stringify(send)},"reply_on":"success"}]}`));
    expect(raw(chain, c, "last_reply")).toMatch(new RegExp(`"id":${big},`));
  });

  test("a query result with invalid base64 is a VM error", () => {
    const { chain, c } = setup();
    expect(() => chain.queryBytes(c, 'M"abc"')).toThrow(/illegal base64/);
  });
});
