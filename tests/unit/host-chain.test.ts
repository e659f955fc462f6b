// The Chain of the host: addresses, bank, funds, message dispatch with sub-messages and replies, events,
// query_chain, migrate/sudo, block clock. Driven by the WAT command contract (tests/helpers/wat/kv-contract.ts).

import { Chain, Coin, TxResult, classicContractAddress, toBech32 } from "../../src/host";
import { compileWat } from "../helpers/wat/compile";
import { kvContractWat } from "../helpers/wat/kv-contract";
import { withCustomSection } from "../helpers/wat/minimal";

let kvWasm: Uint8Array;
let kvWasm3: Uint8Array; // migrate with MigrateInfo
beforeAll(async () => {
  kvWasm = await compileWat(kvContractWat());
  kvWasm3 = await compileWat(kvContractWat({ migrateArity: 3 }));
});

const USTAKE = (amount: number | string): Coin[] => [{ denom: "ustake", amount: String(amount) }];
const b64 = (s: string | Uint8Array) => Buffer.from(s).toString("base64");
const text = (b?: Uint8Array) => (b ? Buffer.from(b).toString("utf8") : "");

function ok(r: TxResult): string {
  if (!r.ok) throw new Error(`tx failed: ${r.error}`);
  return text(r.data);
}

function setup(opts: { redactAllErrors?: boolean } = {}) {
  const chain = new Chain({ chainId: "mesh-a", prefix: "wasm", bondDenom: "ustake", ...opts });
  const code = chain.storeCode(kvWasm);
  const alice = chain.addr("alice");
  const bob = chain.addr("bob");
  chain.fund(alice, USTAKE(1000));
  const inst = (msg = "", o: { admin?: string; funds?: Coin[] } = {}) => {
    const r = chain.instantiate(alice, code, msg, o);
    if (!r.ok) throw new Error(r.error);
    return r.address!;
  };
  return { chain, code, alice, bob, inst };
}

const raw = (chain: Chain, c: string, key: string) => {
  const v = chain.queryRaw(c, key);
  return v === undefined ? undefined : text(v);
};

/** A wasm.execute CosmosMsg carrying kv commands (as a JSON string, so the msg is valid JSON). */
const execMsg = (contract: string, cmds: string, funds: Coin[] = []) => ({
  wasm: { execute: { contract_addr: contract, msg: b64(JSON.stringify(cmds)), funds } },
});
const sub = (id: number, msg: unknown, reply_on: string, payload?: string) => ({ id, msg, reply_on, gas_limit: null, ...(payload ? { payload } : {}) });
const respond = (response: unknown) => `M${JSON.stringify(response)}`;
const lastReply = (chain: Chain, c: string) => JSON.parse(raw(chain, c, "last_reply")!);

describe("host chain: addresses and bank", () => {
  test("contract addresses follow wasmd's classic derivation; the first is the well-known wasm14hj2…", () => {
    const { chain, inst } = setup();
    const c1 = inst();
    const c2 = inst();
    expect(c1).toBe("wasm14hj2tavq8fpesdwxxcu44rty3hh90vhujrvcmstl4zr3txmfvw9s0phg4d");
    expect(c2).toBe(toBech32("wasm", classicContractAddress(1, 2)));
    expect(chain.contract(c1)).toMatchObject({ codeId: 1, creator: chain.addr("alice"), admin: "", label: "contract-1" });
  });

  test("a failed instantiation does not consume an instance id", () => {
    const { chain, code, alice, inst } = setup();
    const r = chain.instantiate(alice, code, "Wx=1;Efail");
    expect(r).toMatchObject({ ok: false, error: "fail: instantiate wasm contract failed", vmError: false });
    expect(inst()).toBe(toBech32("wasm", classicContractAddress(1, 1)));
  });

  test("user addresses are deterministic bech32 of sha256(name)[0..20]; fund/balance/allBalances", () => {
    const { chain, alice } = setup();
    expect(alice).toBe(chain.addr("alice"));
    expect(alice).toMatch(/^wasm1[02-9ac-hj-np-z]{38}$/);
    chain.fund(alice, [{ denom: "uatom", amount: "5" }]);
    expect(chain.balance(alice, "ustake")).toBe(1000n);
    expect(chain.allBalances(alice)).toEqual([{ denom: "uatom", amount: "5" }, { denom: "ustake", amount: "1000" }]);
    expect(chain.supply("ustake")).toBe(1000n);
    expect(() => chain.fund("wasm1bad", USTAKE(1))).toThrow(/invalid address/);
  });

  test("funds move from sender to contract on execute, with the bank events", () => {
    const { chain, alice, inst } = setup();
    const c = inst();
    const r = chain.execute(alice, c, "", USTAKE(100));
    expect(r.ok).toBe(true);
    expect(chain.balance(alice, "ustake")).toBe(900n);
    expect(chain.balance(c, "ustake")).toBe(100n);
    expect(r.ok && r.events.map((e) => e.type)).toEqual(["coin_spent", "coin_received", "transfer", "execute"]);
    expect(r.ok && r.events[2].attributes).toEqual([
      { key: "recipient", value: c },
      { key: "sender", value: alice },
      { key: "amount", value: "100ustake" },
    ]);
  });

  test("funds are reverted when the contract fails; insufficient funds change nothing", () => {
    const { chain, alice, bob, inst } = setup();
    const c = inst();
    expect(chain.execute(alice, c, "Eno", USTAKE(100)).ok).toBe(false);
    expect(chain.execute(alice, c, "X", USTAKE(100)).ok).toBe(false);
    expect(chain.balance(alice, "ustake")).toBe(1000n);
    expect(chain.balance(c, "ustake")).toBe(0n);
    const poor = chain.execute(bob, c, "Wx=1", USTAKE(1));
    expect(poor).toMatchObject({ ok: false, vmError: false, codespace: "sdk", code: 5 });
    expect(!poor.ok && poor.error).toBe("spendable balance 0ustake is smaller than 1ustake: insufficient funds");
    expect(raw(chain, c, "x")).toBeUndefined();
  });

  test("user funds are validated (no zero amounts, no duplicates, valid denoms)", () => {
    const { chain, alice, inst } = setup();
    const c = inst();
    expect(chain.execute(alice, c, "", USTAKE(0)).ok).toBe(false);
    expect(chain.execute(alice, c, "", [...USTAKE(1), ...USTAKE(2)]).ok).toBe(false);
    expect(chain.execute(alice, c, "", [{ denom: "x", amount: "1" }]).ok).toBe(false);
    expect(chain.balance(alice, "ustake")).toBe(1000n);
  });
});

describe("host chain: contract messages", () => {
  test("bank send and burn from a contract", () => {
    const { chain, alice, bob, inst } = setup();
    const c = inst("", { funds: USTAKE(100) });
    const r = chain.execute(alice, c, respond({
      messages: [
        sub(1, { bank: { send: { to_address: bob, amount: USTAKE(30) } } }, "never"),
        sub(2, { bank: { burn: { amount: USTAKE(20) } } }, "never"),
      ],
    }));
    ok(r);
    expect(chain.balance(bob, "ustake")).toBe(30n);
    expect(chain.balance(c, "ustake")).toBe(50n);
    expect(chain.supply("ustake")).toBe(980n);
    expect(r.ok && r.events.map((e) => e.type)).toEqual([
      "execute", "coin_spent", "coin_received", "transfer", "coin_spent", "coin_received", "transfer", "coin_spent", "burn",
    ]);
  });

  test("a contract cannot spend more than it has: the whole tx fails", () => {
    const { chain, alice, bob, inst } = setup();
    const c = inst("", { funds: USTAKE(10) });
    const r = chain.execute(alice, c, `Wx=1;${respond({ messages: [sub(1, { bank: { send: { to_address: bob, amount: USTAKE(11) } } }, "never")] })}`);
    expect(r).toMatchObject({ ok: false, codespace: "sdk", code: 5 });
    expect(raw(chain, c, "x")).toBeUndefined();
    expect(chain.balance(c, "ustake")).toBe(10n);
  });

  test("reply_on error: the failed sub-message's writes and funds are rolled back, the parent's survive, reply sees the error", () => {
    const { chain, alice, inst } = setup();
    const parent = inst("", { funds: USTAKE(50) });
    const child = inst();
    const r = chain.execute(alice, parent, `Wparent=1;W__reply_cmd=Wreplied=1;${respond({
      messages: [sub(7, execMsg(child, "Wsub=1;Efail", USTAKE(20)), "error", b64("pay"))],
    })}`);
    ok(r);
    expect(raw(chain, parent, "parent")).toBe("1");
    expect(raw(chain, parent, "replied")).toBe("1");
    expect(raw(chain, child, "sub")).toBeUndefined();
    expect(chain.balance(parent, "ustake")).toBe(50n);
    expect(chain.balance(child, "ustake")).toBe(0n);
    // wasmd (>= v0.51) passes a contract's own error through (DeterministicError), in Go's field order
    expect(raw(chain, parent, "last_reply")).toBe(
      `{"gas_used":0,"id":7,"result":{"error":"fail: execute wasm contract failed"},"payload":"${b64("pay")}"}`,
    );
    expect(r.ok && r.events.map((e) => e.type)).toEqual(["execute", "reply"]);
  });

  test("reply_on error with a VM error in the sub-message: the error is redacted", () => {
    const { chain, alice, inst } = setup();
    const parent = inst();
    const child = inst();
    ok(chain.execute(alice, parent, respond({ messages: [sub(1, execMsg(child, "Wsub=1;X"), "error")] })));
    expect(lastReply(chain, parent).result).toEqual({ error: "codespace: wasm, code: 29" });
    expect(raw(chain, child, "sub")).toBeUndefined();
  });

  test("redactAllErrors gives the pre-v0.51 behaviour", () => {
    const { chain, alice, inst } = setup({ redactAllErrors: true });
    const parent = inst();
    ok(chain.execute(alice, parent, respond({ messages: [sub(1, execMsg(parent, "Efail"), "always")] })));
    expect(lastReply(chain, parent).result).toEqual({ error: "codespace: wasm, code: 5" });
  });

  test("an error without a matching reply aborts the whole tx (reply_on never and success)", () => {
    for (const replyOn of ["never", "success"]) {
      const { chain, alice, inst } = setup();
      const parent = inst();
      const child = inst();
      const r = chain.execute(alice, parent, `Wparent=1;${respond({
        messages: [sub(1, execMsg(child, "Wfirst=1"), "never"), sub(2, execMsg(child, "Wsub=1;Ebad"), replyOn)],
      })}`);
      expect(r).toEqual({ ok: false, error: "bad: execute wasm contract failed", vmError: false, codespace: "wasm", code: 5 });
      expect(raw(chain, parent, "parent")).toBeUndefined();
      expect(raw(chain, child, "first")).toBeUndefined();
      expect(raw(chain, parent, "last_reply")).toBeUndefined();
    }
  });

  test("reply_on success: events (attributes sorted), msg_responses and data as wasmd builds them", () => {
    const { chain, alice, inst } = setup();
    const parent = inst();
    const child = inst();
    const r = chain.execute(alice, parent, respond({ messages: [sub(3, execMsg(child, "Bchild-data"), "success")] }));
    ok(r);
    const reply = lastReply(chain, parent);
    expect(reply.id).toBe(3);
    expect(reply.gas_used).toBe(0);
    expect(reply.payload).toBeUndefined();
    const proto = Buffer.concat([Buffer.from([0x0a, "child-data".length]), Buffer.from("child-data")]);
    expect(reply.result.ok.msg_responses).toEqual([{ type_url: "/cosmwasm.wasm.v1.MsgExecuteContractResponse", value: b64(proto) }]);
    expect(reply.result.ok.data).toBe(b64(proto)); // deprecated data = the first Msg response, protobuf-encoded
    expect(reply.result.ok.events).toEqual([{ type: "execute", attributes: [{ key: "_contract_address", value: child }] }]);
    expect(r.ok && r.events.map((e) => e.type)).toEqual(["execute", "execute", "reply"]);
  });

  test("sub-message events: wasm attributes sorted by key in the reply and the tx; custom events wasm-<type>", () => {
    const { chain, alice, inst } = setup();
    const parent = inst();
    const child = inst();
    const childResp = respond({ attributes: [{ key: "zeta", value: "1" }, { key: " action ", value: " go " }], events: [{ type: "moved", attributes: [{ key: "b", value: "2" }, { key: "a", value: "1" }] }] });
    ok(chain.execute(alice, child, `Wresp=${childResp}`));
    const r = chain.execute(alice, parent, respond({ attributes: [{ key: "z", value: "p" }, { key: "a", value: "p" }], messages: [sub(1, execMsg(child, "Jresp"), "always")] }));
    ok(r);
    const events = r.ok ? r.events : [];
    // the top-level contract's own attributes keep their order
    expect(events[1]).toEqual({ type: "wasm", attributes: [{ key: "_contract_address", value: parent }, { key: "z", value: "p" }, { key: "a", value: "p" }] });
    expect(events[3]).toEqual({ type: "wasm", attributes: [{ key: "_contract_address", value: child }, { key: "action", value: "go" }, { key: "zeta", value: "1" }] });
    expect(events[4]).toEqual({ type: "wasm-moved", attributes: [{ key: "_contract_address", value: child }, { key: "a", value: "1" }, { key: "b", value: "2" }] });
    expect(lastReply(chain, parent).result.ok.events.map((e: { type: string }) => e.type)).toEqual(["execute", "wasm", "wasm-moved"]);
  });

  test("event validation: reserved or empty attribute keys, short custom event types", () => {
    const { chain, alice, inst } = setup();
    const c = inst();
    const bad: [unknown, RegExp][] = [
      [{ attributes: [{ key: "_x", value: "1" }] }, /Attribute key starts with reserved prefix _: '_x': invalid event/],
      [{ attributes: [{ key: "  ", value: "v" }] }, /Empty attribute key. Value: v: invalid event/],
      [{ events: [{ type: " ab ", attributes: [] }] }, /Event type too short: 'ab': invalid event/],
      [{ events: [{ type: "abc", attributes: [{ key: "_contract_address", value: "x" }] }] }, /reserved prefix/],
    ];
    for (const [resp, re] of bad) {
      const r = chain.execute(alice, c, `Wx=1;${respond(resp)}`);
      expect(r).toMatchObject({ ok: false, vmError: false, codespace: "wasm", code: 21 });
      expect(!r.ok && r.error).toMatch(re);
    }
    expect(raw(chain, c, "x")).toBeUndefined();
  });

  test("reply data overrides the response data; without a reply the contract's data is the tx data", () => {
    const { chain, alice, inst } = setup();
    const parent = inst();
    const child = inst();
    const plain = chain.execute(alice, parent, respond({ data: b64("mine"), messages: [sub(1, execMsg(child, "Bx"), "never")] }));
    expect(ok(plain)).toBe("mine");
    const over = chain.execute(alice, parent, `W__reply_cmd=M{"data":"${b64("override")}"};${respond({ data: b64("mine"), messages: [sub(1, execMsg(child, "Bx"), "success")] })}`);
    expect(ok(over)).toBe("override");
  });

  test("a sub-message scans through two uncommitted layers (tx branch + sub-message branch) with deletions", () => {
    const { chain, alice, inst } = setup();
    const c = inst();
    ok(chain.execute(alice, c, "Wa=0;Wb=0;Wc=0;Wd=0"));
    // parent (tx layer): delete b, add ab; sub-message (own layer over it): delete c, add bc, then scan
    ok(chain.execute(alice, c, `Db;Wab=1;${respond({ messages: [sub(1, execMsg(c, "Dc;Wbc=2;Sa*,*;B|;Sdab,*"), "success")] })}`));
    const value = Buffer.from(lastReply(chain, c).result.ok.msg_responses[0].value, "base64");
    // proto MsgExecuteContractResponse{data}: 0x0a, len, data
    expect(value.subarray(2).toString()).toBe("a=0,ab=1,bc=2,d=0,|d=0,bc=2,ab=1,");
    // and the sub-message's layer was committed into the tx, the tx into the chain
    expect(text(chain.queryBytes(c, "Ka*,last"))).toBe("a,ab,bc,d,");
  });

  test("wasm instantiate sub-message: new contract, msg_responses carry the address", () => {
    const { chain, alice, code, inst } = setup();
    const parent = inst();
    const msg = { wasm: { instantiate: { admin: null, code_id: code, msg: b64(JSON.stringify("Wk=child")), funds: [], label: "child" } } };
    const r = chain.execute(alice, parent, respond({ messages: [sub(9, msg, "success")] }));
    ok(r);
    const childAddr = toBech32("wasm", classicContractAddress(code, 2));
    const mr = lastReply(chain, parent).result.ok.msg_responses[0];
    expect(mr.type_url).toBe("/cosmwasm.wasm.v1.MsgInstantiateContractResponse");
    expect(Buffer.from(mr.value, "base64").subarray(2, 2 + childAddr.length).toString()).toBe(childAddr);
    expect(raw(chain, childAddr, "k")).toBe("child");
    expect(chain.contract(childAddr)).toMatchObject({ creator: parent, label: "child", admin: "" });
    expect(r.ok && r.events.find((e) => e.type === "instantiate")?.attributes).toEqual([
      { key: "_contract_address", value: childAddr },
      { key: "code_id", value: String(code) },
    ]);
  });

  test("sub-message msg must be valid JSON (wasmd ValidateBasic)", () => {
    const { chain, alice, inst } = setup();
    const c = inst();
    const msg = { wasm: { execute: { contract_addr: c, msg: b64("not json"), funds: [] } } };
    const r = chain.execute(alice, c, respond({ messages: [sub(1, msg, "never")] }));
    expect(!r.ok && r.error).toBe("payload msg: invalid");
  });

  test("unsupported messages fail with 'unsupported message: <kind>' (redacted in a reply)", () => {
    const { chain, alice, inst } = setup();
    const c = inst();
    for (const [kind, msg] of [
      ["gov", { gov: { vote: { proposal_id: 1, option: "yes" } } }],
      ["any", { stargate: { type_url: "/x", value: "" } }],
      ["custom", { custom: { anything: 1 } }],
    ] as [string, unknown][]) {
      const r = chain.execute(alice, c, respond({ messages: [sub(1, msg, "never")] }));
      expect(!r.ok && r.error).toBe(`unsupported message: ${kind}: unknown message from the contract`);
    }
    ok(chain.execute(alice, c, respond({ messages: [sub(1, { gov: { vote: {} } }, "error")] })));
    expect(lastReply(chain, c).result).toEqual({ error: "codespace: wasm, code: 20" });
  });

  test("a sub-message without reply_on fails dispatch ('replyOn value')", () => {
    const { chain, alice, inst } = setup();
    const c = inst();
    const r = chain.execute(alice, c, `M{"messages":[{"id":1,"msg":${JSON.stringify(execMsg(c, "Bx"))}}]}`);
    expect(!r.ok && r.error).toBe("replyOn value: invalid");
  });
});

describe("host chain: query_chain", () => {
  function queryChain(chain: Chain, c: string, request: unknown): unknown {
    return JSON.parse(text(chain.queryBytes(c, `Q${typeof request === "string" ? request : JSON.stringify(request)}`)));
  }
  const decodeOk = (r: any) => JSON.parse(Buffer.from(r.ok.ok, "base64").toString());

  test("bank balance and all_balances", () => {
    const { chain, alice, inst } = setup();
    const c = inst();
    const r = queryChain(chain, c, { bank: { balance: { address: alice, denom: "ustake" } } });
    expect(decodeOk(r)).toEqual({ amount: { denom: "ustake", amount: "1000" } });
    expect(decodeOk(queryChain(chain, c, { bank: { balance: { address: alice, denom: "nope" } } }))).toEqual({ amount: { denom: "nope", amount: "0" } });
    expect(decodeOk(queryChain(chain, c, { bank: { all_balances: { address: alice } } }))).toEqual({ amount: [{ denom: "ustake", amount: "1000" }] });
    expect(queryChain(chain, c, { bank: { balance: { address: "wasm1nope", denom: "ustake" } } })).toEqual({ ok: { error: "codespace: sdk, code: 7" } });
  });

  test("bank balance seen inside a tx reflects the tx's own transfers", () => {
    const { chain, alice, inst } = setup();
    const c = inst();
    const out = ok(chain.execute(alice, c, `Q${JSON.stringify({ bank: { balance: { address: c, denom: "ustake" } } })}`, USTAKE(25)));
    expect(JSON.parse(Buffer.from(JSON.parse(out).ok.ok, "base64").toString())).toEqual({ amount: { denom: "ustake", amount: "25" } });
  });

  test("wasm smart, raw and contract_info; errors as ContractResult and SystemError", () => {
    const { chain, alice, inst } = setup();
    const a = inst();
    const b = inst("Wk=v");
    const smart = queryChain(chain, a, { wasm: { smart: { contract_addr: b, msg: b64(JSON.stringify("Rk")) } } }) as any;
    expect(Buffer.from(smart.ok.ok, "base64").toString()).toBe("v");
    expect(queryChain(chain, a, { wasm: { smart: { contract_addr: b, msg: b64(JSON.stringify("Enope")) } } })).toEqual({ ok: { error: "nope: query wasm contract failed" } });
    expect(queryChain(chain, a, { wasm: { smart: { contract_addr: b, msg: b64(JSON.stringify("X")) } } })).toEqual({ ok: { error: "codespace: wasm, code: 29" } });
    const ghost = toBech32("wasm", classicContractAddress(1, 99));
    expect(queryChain(chain, a, { wasm: { smart: { contract_addr: ghost, msg: b64("{}") } } })).toEqual({ error: { no_such_contract: { addr: ghost } } });
    expect(Buffer.from((queryChain(chain, a, { wasm: { raw: { contract_addr: b, key: b64("k") } } }) as any).ok.ok, "base64").toString()).toBe("v");
    expect(queryChain(chain, a, { wasm: { raw: { contract_addr: b, key: b64("missing") } } })).toEqual({ ok: { ok: "" } });
    expect(decodeOk(queryChain(chain, a, { wasm: { contract_info: { contract_addr: b } } }))).toEqual({ code_id: 1, creator: alice, pinned: false });
  });

  test("unsupported, unknown and malformed requests", () => {
    const { chain, inst } = setup();
    const c = inst();
    // staking, distribution and ibc are modules now (host-staking/-distribution/-ibc tests); these kinds are not
    expect(queryChain(chain, c, { stargate: { path: "/x", data: "" } })).toEqual({ error: { unsupported_request: { kind: "stargate" } } });
    expect(queryChain(chain, c, { grpc: { path: "/x", data: "" } })).toEqual({ error: { unsupported_request: { kind: "grpc" } } });
    expect(queryChain(chain, c, { custom: {} })).toEqual({ error: { unsupported_request: { kind: "custom" } } });
    expect(queryChain(chain, c, { something: {} })).toEqual({ error: { unknown: {} } });
    const bad = queryChain(chain, c, "{not json") as any;
    expect(Buffer.from(bad.error.invalid_request.request, "base64").toString()).toBe("{not json");
  });

  test("a smart query sees the caller's uncommitted writes, and cannot write", () => {
    const { chain, alice, inst } = setup();
    const a = inst();
    const out = ok(chain.execute(alice, a, `Wk=fresh;Q${JSON.stringify({ wasm: { smart: { contract_addr: a, msg: b64(JSON.stringify("Rk;N")) } } })}`));
    const res = Buffer.from(JSON.parse(out).ok.ok, "base64").toString();
    expect(res.startsWith("fresh{")).toBe(true);
    expect(JSON.parse(res.slice(5)).transaction).toEqual({ index: 1 }); // a query inside a tx carries the tx index
    const w = ok(chain.execute(alice, a, `Q${JSON.stringify({ wasm: { smart: { contract_addr: a, msg: b64(JSON.stringify("Wz=1")) } } })}`));
    expect(JSON.parse(w)).toEqual({ ok: { error: "codespace: wasm, code: 29" } });
  });
});

describe("host chain: migrate, sudo, clock, stats", () => {
  test("migrate requires the admin; a 3-argument migrate gets MigrateInfo", () => {
    const { chain, alice, bob, inst } = setup();
    const c = inst("", { admin: alice });
    const code3 = chain.storeCode(kvWasm3);
    const denied = chain.migrate(bob, c, code3, "Wm=1");
    expect(denied).toMatchObject({ ok: false, error: "can not migrate: unauthorized", codespace: "sdk", code: 4 });
    const r = chain.migrate(alice, c, code3, "Wm=1");
    ok(r);
    expect(raw(chain, c, "m")).toBe("1");
    expect(JSON.parse(raw(chain, c, "migrate_info")!)).toEqual({ sender: alice, old_migrate_version: null });
    expect(chain.contract(c)?.codeId).toBe(code3);
    expect(r.ok && r.events[0]).toEqual({ type: "migrate", attributes: [{ key: "code_id", value: String(code3) }, { key: "_contract_address", value: c }] });
    const noAdmin = inst();
    expect(chain.migrate(alice, noAdmin, code3, "Wm=1").ok).toBe(false);
  });

  test("migrate is skipped when old and new code carry the same cw_migrate_version", () => {
    const { chain, alice } = setup();
    const v1 = chain.storeCode(withCustomSection(kvWasm3, "cw_migrate_version", Buffer.from("1")));
    const v1b = chain.storeCode(withCustomSection(kvWasm3, "cw_migrate_version", Buffer.from("1")));
    const v2 = chain.storeCode(withCustomSection(kvWasm3, "cw_migrate_version", Buffer.from("2")));
    const c = chain.instantiate(alice, v1, "", { admin: alice }).address!;
    ok(chain.migrate(alice, c, v1b, "Wcalled=1"));
    expect(raw(chain, c, "called")).toBeUndefined();
    expect(chain.contract(c)?.codeId).toBe(v1b);
    ok(chain.migrate(alice, c, v2, "Wcalled=2"));
    expect(raw(chain, c, "called")).toBe("2");
    expect(JSON.parse(raw(chain, c, "migrate_info")!)).toEqual({ sender: alice, old_migrate_version: 1 });
  });

  test("sudo runs without a transaction in env and commits", () => {
    const { chain, inst } = setup();
    const c = inst();
    const r = chain.sudo(c, "Ws=1;N");
    expect(JSON.parse(ok(r)).transaction).toBeNull();
    expect(raw(chain, c, "s")).toBe("1");
    expect(chain.sudo(c, "Ws=2;Eno")).toMatchObject({ ok: false, error: "no: execute wasm contract failed" });
    expect(raw(chain, c, "s")).toBe("1");
  });

  test("block clock: tx index per block, advance by blocks or seconds", () => {
    const { chain, alice, inst } = setup();
    const c = inst(); // tx 0 of block 1
    const env = () => JSON.parse(ok(chain.execute(alice, c, "N")));
    expect(env().transaction).toEqual({ index: 1 });
    expect(chain.execute(alice, c, "Efail").ok).toBe(false); // tx 2: failed txs count too (wasmd CountTXDecorator)
    expect(env().transaction).toEqual({ index: 3 });
    chain.advance();
    let e = env();
    expect(e.block).toEqual({ height: 2, time: "1700000005000000000", chain_id: "mesh-a" });
    expect(e.transaction).toEqual({ index: 0 });
    chain.advance({ blocks: 10 });
    expect(chain.height).toBe(12);
    chain.advance({ seconds: 60 });
    e = env();
    expect(e.block.height).toBe(24);
    expect(e.block.time).toBe((1_700_000_000_000_000_000n + 55_000_000_000n + 60_000_000_000n).toString());
    expect(chain.timeNs).toBe(1_700_000_115_000_000_000n);
  });

  test("a contract executing itself forever stops at wasmd's max call depth (100)", () => {
    const { chain, alice, inst } = setup();
    const c = inst();
    const self = respond({ messages: [sub(1, execMsg(c, "Wn=1;Jresp"), "never")] });
    ok(chain.execute(alice, c, `Wresp=${self}`));
    const before = chain.stats.calls;
    const r = chain.execute(alice, c, "Jresp");
    expect(r).toMatchObject({ ok: false, error: "max call depth exceeded", codespace: "wasm", code: 30 });
    expect(chain.stats.calls - before).toBe(101);
    expect(raw(chain, c, "n")).toBeUndefined();
  });

  test("nested smart queries stop at wasmd's max query stack size (10)", () => {
    const { chain, alice, inst } = setup();
    const c = inst();
    ok(chain.execute(alice, c, `Wq=Q${JSON.stringify({ wasm: { smart: { contract_addr: c, msg: b64(JSON.stringify("Jq")) } } })}`));
    let res = JSON.parse(text(chain.queryBytes(c, "Jq")));
    let depth = 1;
    while (res.ok?.ok !== undefined) {
      res = JSON.parse(Buffer.from(res.ok.ok, "base64").toString());
      depth++;
    }
    expect(res).toEqual({ ok: { error: "codespace: wasm, code: 27" } });
    expect(depth).toBe(10);
  });

  test("stats count every entry-point call, including replies and nested queries", () => {
    const { chain, alice, inst } = setup();
    const c = inst();
    const before = chain.stats.calls;
    ok(chain.execute(alice, c, respond({ messages: [sub(1, execMsg(c, "Bx"), "always")] }))); // execute + sub execute + reply
    expect(chain.stats.calls - before).toBe(3);
    expect(chain.stats.instances).toBe(chain.stats.calls);
  });
});
