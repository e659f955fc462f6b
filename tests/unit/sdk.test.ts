// Unit tests of the AssemblyScript SDK, compiled to wasm (tests/assembly/sdk-harness) and called through the real
// contract ABI on the in-process host. Expected values are written out by hand from the JSON/number rules.
import { createHash } from "node:crypto";
import { commonErrors } from "../../src/contracts/errors";
import { Chain } from "../../src/host";
import { testContract } from "../helpers/artifacts";

const U128_MAX = "340282366920938463463374607431768211455";

let chain: Chain;
let harness: string;
let user: string;

beforeAll(() => {
  chain = new Chain({ chainId: "sdk-test", prefix: "wasm", bondDenom: "ustake" });
  user = chain.addr("user");
  const code = chain.storeCode(testContract("sdk-harness"));
  const res = chain.instantiate(user, code, {}, { label: "harness" });
  if (!res.ok) throw new Error(res.error);
  harness = res.address!;
});

function q<T = any>(msg: unknown): T {
  return chain.query<T>(harness, msg);
}

function qErr(msg: unknown): string {
  try {
    chain.query(harness, msg);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected the query to fail");
}

const echo = (input: string) => q<{ output: string }>({ json_echo: { input } }).output;

describe("JSON reader and writer", () => {
  it.each([
    ['{"a":1,"b":[true,false,null],"c":{"d":"e"}}', '{"a":1,"b":[true,false,null],"c":{"d":"e"}}'],
    [' { "a" : [ ] , "b" : { } } ', '{"a":[],"b":{}}'],
    ['"h\\u00e9llo \\ud83d\\ude80"', '"héllo 🚀"'],
    ['"é€🚀 ünïcödé"', '"é€🚀 ünïcödé"'],
    ['"\\"\\\\\\/\\b\\f\\n\\r\\t"', '"\\"\\\\/\\b\\f\\n\\r\\t"'],
    ['"\\u0001\\u001f"', '"\\u0001\\u001f"'],
    ["18446744073709551615", "18446744073709551615"],
    ["-12.5e+3", "-12.5e+3"],
    ["0", "0"],
  ])("round-trips %s", (input, output) => {
    expect(echo(input)).toBe(output);
  });

  it("writes every writer feature exactly", () => {
    // The query response bytes are the writer's output; the host decodes them as JSON.
    const raw = chain.queryRawResponse(harness, { writer: {} });
    expect(raw).toBe(
      '{"s":"quote\\" backslash\\\\ nl\\n tab\\t ctl\\u0001 é 🚀","n":18446744073709551615,' +
      '"ns":"1700000000123456789","b":true,"z":null,"e":{},"a":[1,"x",{}]}',
    );
  });

  it.each([
    ["", "Invalid JSON: unexpected end of input at byte 0"],
    ["{", "Invalid JSON: unexpected end of input at byte 1"],
    ["[1,]", "Invalid JSON: unexpected character at byte 3"],
    ["{\"a\":1,}", "Invalid JSON: expected a string key at byte 7"],
    ["{'a':1}", "Invalid JSON: expected a string key at byte 1"],
    ["01", "Invalid JSON: trailing characters at byte 1"],
    ["1.", "Invalid JSON: invalid number at byte 2"],
    ["+1", "Invalid JSON: unexpected character at byte 0"],
    ["NaN", "Invalid JSON: unexpected character at byte 0"],
    ["\"a\nb\"", "Invalid JSON: control character in string at byte 2"],
    ["\"\\x\"", "Invalid JSON: invalid escape at byte 2"],
    ["\"\\ud800\"", "Invalid JSON: lone surrogate in \\u escape"],
    ["\"\\udc00\"", "Invalid JSON: lone surrogate in \\u escape"],
    ["{\"a\":1,\"a\":2}", 'Invalid JSON: duplicate key "a"'],
    ["tru", "Invalid JSON: unexpected character at byte 0"],
    ["[".repeat(70) + "]".repeat(70), "Invalid JSON: nesting deeper than 64"],
  ])("rejects %j", (input, error) => {
    expect(qErr({ json_echo: { input } })).toContain(error);
  });

  it("rejects invalid UTF-8 inside strings", () => {
    // The harness gets text through JSON, so feed the raw bytes as a whole execute message instead.
    const bad = Buffer.concat([Buffer.from('{"put":{"key":["'), Buffer.from([0xc3, 0x28]), Buffer.from('"],"value":"v"}}')]);
    const res = chain.execute(user, harness, new Uint8Array(bad));
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error).toContain("Invalid JSON: invalid UTF-8");
    const overlong = Buffer.concat([Buffer.from('{"put":{"key":["'), Buffer.from([0xc0, 0xaf]), Buffer.from('"],"value":"v"}}')]);
    const res2 = chain.execute(user, harness, new Uint8Array(overlong));
    expect(res2.ok).toBe(false);
    if (!res2.ok) expect(res2.error).toContain("Invalid JSON: invalid UTF-8");
  });
});

describe("generated readers, strict and lenient", () => {
  const answer = { address: "wasm1c", allowance: "10", delegated: "4", delegations: [{ validator: "v1", amount: "4" }] };
  const read = (value: unknown, lenient: boolean) => q({ read_consumer_response: { input: JSON.stringify(value), lenient } });

  it("reads a declared response and writes it back unchanged", () => {
    expect(read(answer, false)).toEqual(answer);
  });

  it("strict: an unknown field at any depth is an error naming its path", () => {
    expect(qErr({ read_consumer_response: { input: JSON.stringify({ ...answer, extra: 1 }), lenient: false } }))
      .toContain("answer.extra: unknown field");
    expect(qErr({ read_consumer_response: { input: JSON.stringify({ ...answer, delegations: [{ validator: "v1", amount: "4", x: 1 }] }), lenient: false } }))
      .toContain("answer.delegations[0].x: unknown field");
  });

  it("lenient (another contract's answer, which may gain fields): unknown fields pass at every depth, types still checked", () => {
    expect(read({ ...answer, extra: 1, delegations: [{ validator: "v1", amount: "4", since: 7 }] }, true)).toEqual(answer);
    expect(qErr({ read_consumer_response: { input: JSON.stringify({ ...answer, delegated: 4 }), lenient: true } }))
      .toContain("answer.delegated: expected a string, got a number");
  });
});

describe("typed decoding", () => {
  const valid = { text: "é", count: 18446744073709551615n, amount: "5", when: "1700000000000000000", data: "aGk=", nested: { flag: true } };
  const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? `@@${x}@@` : x)).replace(/"@@([0-9eE.+-]+)@@"/g, "$1");

  it("reads every field type; optional fields may be absent or null", () => {
    expect(q({ decode_sample: { input: json(valid) } })).toEqual({
      // JSON.parse rounds the u64 to a double; json_echo above proves the exact digits survive.
      text: "é", count: 18446744073709551615,
      amount: "5", when: "1700000000000000000", data_len: 2, maybe: null, flag: true,
    });
    expect(q({ decode_sample: { input: json({ ...valid, maybe: null }) } }).maybe).toBeNull();
    expect(q({ decode_sample: { input: json({ ...valid, maybe: "x" }) } }).maybe).toBe("x");
  });

  it.each([
    [{ ...valid, extra: 1 }, "sample.extra: unknown field"],
    [{ ...valid, nested: { flag: true, x: 1 } }, "sample.nested.x: unknown field"],
    [{ ...valid, nested: {} }, "sample.nested.flag: missing field"],
    [{ ...valid, count: -1 }, 'invalid sample.count: expected an unsigned integer, got "-1"'],
    [{ ...valid, count: 1.5 }, 'invalid sample.count: expected an unsigned integer, got "1.5"'],
    [{ ...valid, count: "@@1e3@@" }, 'invalid sample.count: expected an unsigned integer, got "1e3"'],
    [{ ...valid, count: 18446744073709551616n }, "invalid sample.count: 18446744073709551616 overflows u64"],
    [{ ...valid, count: "5" }, "sample.count: expected a number, got a string"],
    [{ ...valid, when: 5 }, "sample.when: expected a string, got a number"],
    [{ ...valid, amount: "0x10" }, 'invalid sample.amount: expected a decimal string, got "0x10"'],
    [{ ...valid, amount: "007" }, 'invalid sample.amount: expected a decimal string, got "007"'],
    [{ ...valid, amount: "" }, 'invalid sample.amount: expected a decimal string, got ""'],
    [{ ...valid, data: "aGk" }, "sample.data: invalid base64: length is not a multiple of 4"],
    [{ ...valid, data: "aGl=" }, "sample.data: invalid base64: non-zero trailing bits"],
    [{ ...valid, text: null }, "sample.text: expected a string, got null"],
    [{ ...valid, maybe: 3 }, "sample.maybe: expected a string or null, got a number"],
  ])("rejects case %# (%s)", (input, error) => {
    expect(qErr({ decode_sample: { input: json(input) } })).toContain(error);
  });
});

describe("Uint128", () => {
  const op = (o: string, a: string, b?: string, c?: string) => q<{ result: string }>({ uint128: { op: o, a, b, c } }).result;
  const opErr = (o: string, a: string, b?: string, c?: string) => qErr({ uint128: { op: o, a, b, c } });

  it("computes exactly at the edges", () => {
    expect(op("parse", U128_MAX)).toBe(U128_MAX);
    expect(op("add", "340282366920938463463374607431768211454", "1")).toBe(U128_MAX);
    expect(op("sub", "1", "1")).toBe("0");
    expect(op("mul", "18446744073709551616", "18446744073709551615")).toBe("340282366920938463444927863358058659840");
    expect(op("div", U128_MAX, "2")).toBe("170141183460469231731687303715884105727");
    expect(op("rem", U128_MAX, "10")).toBe("5");
    expect(op("saturating_sub", "1", "2")).toBe("0");
    expect(op("mul_div_floor", U128_MAX, U128_MAX, U128_MAX)).toBe(U128_MAX);
    expect(op("mul_div_floor", "10", "1", "3")).toBe("3");
    expect(op("mul_div_ceil", "10", "1", "3")).toBe("4");
    expect(op("mul_div_ceil", "9", "1", "3")).toBe("3");
    // (2^127)(2^127)/2^126 = 2^128 does not fit.
    expect(opErr("mul_div_floor", "170141183460469231731687303715884105728", "170141183460469231731687303715884105728",
      "85070591730234615865843651857942052864")).toContain(`${commonErrors.overflow}: result does not fit in Uint128`);
    expect(op("mul_div_floor", "170141183460469231731687303715884105728", "170141183460469231731687303715884105727",
      "170141183460469231731687303715884105728")).toBe("170141183460469231731687303715884105727");
  });

  it("fails on overflow, underflow and division by zero instead of wrapping", () => {
    expect(opErr("add", U128_MAX, "1")).toContain(`Overflow: Cannot Add with ${U128_MAX} and 1`);
    expect(opErr("sub", "0", "1")).toContain("Overflow: Cannot Sub with 0 and 1");
    expect(opErr("mul", "18446744073709551616", "18446744073709551616")).toContain("Overflow: Cannot Mul");
    expect(opErr("div", "1", "0")).toContain(`${commonErrors.divideByZero}: cannot divide 1 by zero`);
    expect(opErr("rem", "1", "0")).toContain(`${commonErrors.divideByZero}: cannot divide 1 by zero`);
    expect(opErr("mul_div_floor", "1", "1", "0")).toContain(`${commonErrors.divideByZero}: cannot divide 1 × 1 by zero`);
  });

  it.each(["340282366920938463463374607431768211456", "999999999999999999999999999999999999999", "1000000000000000000000000000000000000000"])(
    "rejects %s as too large", (text) => {
      expect(opErr("parse", text)).toContain(`${text} overflows Uint128`);
    });

  it.each(["-1", "+1", " 1", "1 ", "1e3", "0x1", "1.0", "01", "", "١"])("rejects %j as not a decimal string", (text) => {
    expect(opErr("parse", text)).toContain(`expected a decimal string, got "${text}"`);
  });
});

describe("Decimal", () => {
  const op = (o: string, a: string, b?: string) => q<{ result: string }>({ decimal: { op: o, a, b } }).result;
  const opErr = (o: string, a: string, b?: string) => qErr({ decimal: { op: o, a, b } });

  it("parses and prints canonical strings", () => {
    expect(op("parse", "0.05")).toBe("0.05");
    expect(op("parse", "1.500000000000000000")).toBe("1.5");
    expect(op("parse", "0.000000000000000001")).toBe("0.000000000000000001");
    expect(op("parse", "340282366920938463463.374607431768211455")).toBe("340282366920938463463.374607431768211455");
    expect(opErr("parse", "340282366920938463463.374607431768211456")).toContain("overflows");
    expect(opErr("parse", "1.0000000000000000001")).toContain("more than 18 fractional digits");
    for (const bad of ["1.", ".5", "-1", "1e-3", " 1", "1.5.5"]) expect(opErr("parse", bad)).toContain("invalid a");
  });

  it("multiplies and divides exactly, rounding down, and rounds amounts both ways", () => {
    expect(op("mul", "1.5", "2.25")).toBe("3.375");
    expect(op("mul", "0.000000000000000001", "0.5")).toBe("0");
    expect(op("div", "1", "3")).toBe("0.333333333333333333");
    expect(op("add", "0.1", "0.2")).toBe("0.3");
    expect(opErr("sub", "0.1", "0.2")).toContain("Overflow: Cannot Sub");
    expect(opErr("div", "1", "0")).toContain(`${commonErrors.divideByZero}: cannot divide 1 by zero`);
    expect(op("from_ratio", "1", "3")).toBe("0.333333333333333333");
    expect(opErr("from_ratio", "1", "0")).toContain(`${commonErrors.divideByZero}: cannot divide 1 by zero`);
    expect(op("mul_floor", "0.333333333333333333", "3")).toBe("0");
    expect(op("mul_ceil", "0.333333333333333333", "3")).toBe("1");
    expect(op("mul_floor", "0.01", "12345")).toBe("123");
    expect(op("mul_ceil", "0.01", "12345")).toBe("124");
    expect(op("mul_floor", "1", U128_MAX)).toBe(U128_MAX);
    expect(opErr("mul_floor", "2", U128_MAX)).toContain("Overflow");
    // The 256-bit intermediate: a large Decimal times a large amount whose product fits.
    expect(op("mul_floor", "0.5", U128_MAX)).toBe("170141183460469231731687303715884105727");
  });
});

describe("base64", () => {
  it.each([["", ""], ["f", "Zg=="], ["fo", "Zm8="], ["foo", "Zm9v"], ["héllo🚀", "aMOpbGxv8J+agA=="]])("%j ↔ %j", (text, b64) => {
    expect(q({ base64: { op: "encode", input: text } }).result).toBe(b64);
    expect(q({ base64: { op: "decode", input: b64 } }).result).toBe(text);
  });

  it.each([["Zg", "length"], ["Zg=", "length"], ["Zh==", "non-zero trailing bits"], ["Z!==", "unexpected character"], ["Zm9v=Zm9", "unexpected character"]])(
    "rejects %j", (b64, error) => {
      expect(qErr({ base64: { op: "decode", input: b64 } })).toContain(error);
    });
});

describe("storage", () => {
  const put = (key: unknown[], value: string) => {
    const res = chain.execute(user, harness, { put: { key, value } });
    if (!res.ok) throw new Error(res.error);
  };
  const range = (args: Record<string, unknown>) =>
    q<{ entries: [string, string][] }>({ range: { prefix: [], ...args } }).entries.map(([k, v]) => [Buffer.from(k, "base64").toString("latin1"), v]);

  beforeAll(() => {
    for (const [a, b] of [["alice", "x"], ["alice", "y"], ["bob", "x"], ["carol", "z"], ["al", "q"]]) put([a, b], `${a}/${b}`);
  });

  it("uses cw-storage-plus key layout: u16 namespace length, length-prefixed parts, raw last part", () => {
    const key = Buffer.concat([Buffer.from([0, 7]), Buffer.from("entries"), Buffer.from([0, 5]), Buffer.from("alice"), Buffer.from("y")]);
    expect(Buffer.from(chain.queryRaw(harness, key)!).toString()).toBe('"alice/y"');
  });

  it("iterates a prefix in byte order, both directions, with inclusive/exclusive bounds", () => {
    expect(range({ prefix: ["alice"] })).toEqual([["x", "alice/x"], ["y", "alice/y"]]);
    expect(range({ prefix: ["alice"], descending: true })).toEqual([["y", "alice/y"], ["x", "alice/x"]]);
    expect(range({ prefix: ["alice"], min: "x", min_exclusive: true })).toEqual([["y", "alice/y"]]);
    expect(range({ prefix: ["alice"], min: "x" })).toEqual([["x", "alice/x"], ["y", "alice/y"]]);
    expect(range({ prefix: ["alice"], max: "y" })).toEqual([["x", "alice/x"]]);
    // "al" is a prefix of "alice" as a string but not as a key part: the length prefix keeps them apart.
    expect(range({ prefix: ["al"] })).toEqual([["q", "al/q"]]);
    expect(range({ prefix: ["nobody"] })).toEqual([]);
  });

  it("iterates the whole map in key order and pages with a limit", () => {
    const all = range({}).map(([, v]) => v);
    // Ordered by the length-prefixed first part: "al" (len 2) < "bob" (3) < "alice" (5) = "carol" (5).
    expect(all).toEqual(["al/q", "bob/x", "alice/x", "alice/y", "carol/z"]);
    expect(range({ limit: 2 }).map(([, v]) => v)).toEqual(["al/q", "bob/x"]);
    expect(range({ limit: 0 })).toEqual([]);
  });

  it("sees removals, and a failed call leaves no write behind", () => {
    put(["dave", "1"], "dave/1");
    const res = chain.execute(user, harness, { remove: { key: ["dave", "1"] } });
    expect(res.ok).toBe(true);
    expect(range({ prefix: ["dave"] })).toEqual([]);
    const failed = chain.execute(user, harness, { put_then_fail: { key: ["erin", "1"] } });
    expect(failed.ok).toBe(false);
    put(["frank", "1"], "frank/1");
    expect(range({ prefix: ["erin"] })).toEqual([]);
  });

  it("buffered writes merge into reads and iteration, and are kept only on commit", () => {
    put(["buf", "b"], "stored-b");
    put(["buf", "d"], "stored-d");
    const ops = [
      { put: { key: ["buf", "c"], value: "new-c" } },
      { remove: { key: ["buf", "d"] } },
      { put: { key: ["buf", "b"], value: "new-b" } },
      { put: { key: ["buf", "a"], value: "new-a" } },
      { put: { key: ["buf", "e"], value: "new-e" } },
      { remove: { key: ["buf", "e"] } },
    ];
    const run = (discard: boolean) => {
      const res = chain.execute(user, harness, { buffered: { ops, prefix: ["buf"], discard } });
      if (!res.ok) throw new Error(res.error);
      return JSON.parse(Buffer.from(res.data!).toString());
    };
    const seen = { asc: ["new-a", "new-b", "new-c"], desc: ["new-c", "new-b", "new-a"], first_loaded: "new-c" };
    expect(run(true)).toEqual(seen);
    expect(range({ prefix: ["buf"] }).map(([, v]) => v)).toEqual(["stored-b", "stored-d"]);
    expect(run(false)).toEqual(seen);
    expect(range({ prefix: ["buf"] }).map(([, v]) => v)).toEqual(["new-a", "new-b", "new-c"]);
  });

  it("u64 keys are big-endian so they sort numerically", () => {
    for (const n of [256, 1, 65536, 2]) put(["nums", n], String(n));
    expect(range({ prefix: ["nums"] }).map(([, v]) => v)).toEqual(["1", "2", "256", "65536"]);
  });
});

describe("addresses", () => {
  it("accepts a valid bech32 address and rejects others with the chain's reason", () => {
    expect(q({ address: { input: user } })).toEqual({ valid: true });
    expect(qErr({ address: { input: "" } })).toContain(`${commonErrors.invalidAddress}: address is empty`);
    expect(qErr({ address: { input: user.toUpperCase() } })).toContain(`${commonErrors.invalidAddress}: address '${user.toUpperCase()}'`);
    expect(qErr({ address: { input: "a".repeat(300) } })).toContain(`${commonErrors.invalidAddress}: address is too long`);
  });
});

describe("cw2 migration rules", () => {
  // Each case runs in a failed-or-committed transaction of its own, so the stored info is what the case stores.
  const check = (stored: { contract: string; version: string } | null, contract: string, version: string) => {
    const res = chain.execute(user, harness, { cw2_check: { stored, contract, version } });
    if (!res.ok) return `error: ${res.error}`;
    return res.events.flatMap((e) => e.attributes).find((a) => a.key === "from")?.value;
  };

  it.each([
    [{ contract: "mesh-security:ilp", version: "0.2.0" }, "mesh-security:ilp", "0.2.0", "mesh-security:ilp@0.2.0"],
    [{ contract: "mesh-security:ilp", version: "0.2.0" }, "mesh-security:ilp", "0.10.0", "mesh-security:ilp@0.2.0"],
    [{ contract: "mesh-security:ilp", version: "0.9.9" }, "mesh-security:ilp", "1.0.0", "mesh-security:ilp@0.9.9"],
    [{ contract: "mesh-security:ilp", version: "0.10.0" }, "mesh-security:ilp", "0.9.0", `error: ${commonErrors.cannotDowngrade}: mesh-security:ilp from 0.10.0 to 0.9.0`],
    [{ contract: "mesh-security:ilp", version: "1.0.0" }, "mesh-security:ilp", "0.99.99", `error: ${commonErrors.cannotDowngrade}: mesh-security:ilp from 1.0.0 to 0.99.99`],
    [{ contract: "crates.io:cw20-base", version: "0.1.0" }, "mesh-security:ilp", "0.2.0",
      `error: ${commonErrors.cannotMigrateOtherContract}: this is mesh-security:ilp, the stored contract is crates.io:cw20-base`],
    [{ contract: "mesh-security:ilp", version: "0.2" }, "mesh-security:ilp", "0.2.0", `error: ${commonErrors.invalidContractVersion} '0.2'`],
    [{ contract: "mesh-security:ilp", version: "0.2.0-rc1" }, "mesh-security:ilp", "0.2.0", `error: ${commonErrors.invalidContractVersion} '0.2.0-rc1'`],
  ])("stored %j → %s %s: %s", (stored, contract, version, expected) => {
    expect(check(stored, contract, version)).toContain(expected.replace(/^error: /, ""));
    expect(check(stored, contract, version)?.startsWith("error: ")).toBe(expected.startsWith("error: "));
  });
});

describe("SHA-256 and ICS-20 voucher denoms", () => {
  const node = (s: string) => createHash("sha256").update(s).digest("hex").toUpperCase();
  it("equals node's SHA-256 on the padding boundaries and long input", () => {
    for (const [input, repeat] of [["", 1], ["abc", 1], ["a", 55], ["a", 56], ["a", 63], ["a", 64], ["a", 65], ["ü🚀x", 300]] as const) {
      expect(q({ sha256: { input, repeat } }).hex).toBe(node(input.repeat(repeat)));
    }
    // FIPS 180-4's example
    expect(q({ sha256: { input: "abc" } }).hex).toBe("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
  });

  it("names a voucher as ibc-go does: ibc/ + SHA-256 of port/channel/denom", () => {
    expect(q({ sha256: { input: "ustake" } }).voucher).toBe(`ibc/${node("transfer/channel-0/ustake")}`);
  });
});
