// IBC in the host: chains linked in-process, the channel handshake through the contracts' entry points (wasmd's
// JSON), packets / acks / timeouts with ibc-go's replay protection, wasmd v0.54's receive semantics (error acks and
// reverted state, VM errors failing the relay tx, async acks), ICS-20 with escrow and ibc/<HASH> vouchers, channel
// closing, and the controllable relayer (order, outages, lost packets, random order).
//
// The test contract is the WAT command contract with IBC entry points added: each `ibc_*` entry stores the message
// it got under its own name ("ibc_packet_receive"…) and runs the kv commands stored under "!<entry name>" (default
// response: {"ok":{}}); the tests set those commands directly in the contract's storage.

import { createHash } from "node:crypto";
import {
  Chain, Coin, Ctx, HandshakeError, Link, Relayer, TxResult, connectChains, escrowAddress, openChannel, utf8Key,
} from "../../src/host";
import { compileWat } from "../helpers/wat/compile";
import { kvContractWat } from "../helpers/wat/kv-contract";
import { testContract } from "../helpers/artifacts";

const ENTRIES: [string, number][] = [
  ["ibc_channel_open", 800], ["ibc_channel_connect", 832], ["ibc_channel_close", 864],
  ["ibc_packet_receive", 896], ["ibc_packet_ack", 928], ["ibc_packet_timeout", 960],
];
const IBC_EXTRA = `
  ${ENTRIES.map(([name, at]) => `(data (i32.const ${at}) "!${name}")`).join("\n  ")}
  (func $ibc (param $env i32) (param $msg i32) (param $name i32) (param $len i32) (result i32)
    (local $cmd i32)
    (global.set $env_r (local.get $env))
    (call $db_write (call $region (i32.add (local.get $name) (i32.const 1)) (i32.sub (local.get $len) (i32.const 1))) (local.get $msg))
    (local.set $cmd (call $db_read (call $region (local.get $name) (local.get $len))))
    (if (result i32) (i32.eqz (local.get $cmd))
      (then (call $respond (i32.const 0) (i32.const 0)))
      (else (call $respond (call $run_region (local.get $cmd)) (i32.const 0)))))
  ${ENTRIES.map(([name, at]) =>
    `(func (export "${name}") (param i32 i32) (result i32) (call $ibc (local.get 0) (local.get 1) (i32.const ${at}) (i32.const ${name.length + 1})))`).join("\n  ")}
`;

let ibcWasm: Uint8Array;
let plainWasm: Uint8Array;
beforeAll(async () => {
  ibcWasm = await compileWat(kvContractWat({ extra: IBC_EXTRA }));
  plainWasm = await compileWat(kvContractWat());
});

const b64 = (s: string | Uint8Array) => Buffer.from(s).toString("base64");
const text = (b?: Uint8Array) => (b ? Buffer.from(b).toString("utf8") : undefined);
const respond = (response: unknown) => `M${JSON.stringify(response)}`;
const sub = (id: number, msg: unknown, reply_on = "never") => ({ id, msg, reply_on, gas_limit: null });
const USTAKE = (amount: bigint | number): Coin[] => [{ denom: "ustake", amount: String(amount) }];
const SEC = 1_000_000_000n;

function ok<T extends TxResult>(r: T): T & { ok: true } {
  if (!r.ok) throw new Error(`tx failed: ${r.error}`);
  return r as T & { ok: true };
}

/** Sets the kv commands an IBC entry point runs (directly in the contract's committed storage). */
function setCmd(chain: Chain, contract: string, entry: string, cmd: string | undefined): void {
  const store = chain.wasm.contractStore(new Ctx(chain, chain.state, [], null), contract);
  if (cmd === undefined) store.delete(utf8Key(`!${entry}`));
  else store.set(utf8Key(`!${entry}`), new TextEncoder().encode(cmd));
}

function clearLog(chain: Chain, contract: string, entry: string): void {
  chain.wasm.contractStore(new Ctx(chain, chain.state, [], null), contract).delete(utf8Key(entry));
}

/** The last message an entry point received (JSON text), or undefined. */
const logged = (chain: Chain, contract: string, entry: string) => text(chain.queryRaw(contract, entry));
const raw = (chain: Chain, contract: string, key: string) => text(chain.queryRaw(contract, key));

function setup() {
  const a = new Chain({ chainId: "provider-1", prefix: "wasm", bondDenom: "ustake" });
  const b = new Chain({ chainId: "consumer", prefix: "cosmos", bondDenom: "ustake" });
  const alice = a.addr("alice");
  const bob = b.addr("bob");
  a.fund(alice, USTAKE(10_000_000));
  b.fund(bob, USTAKE(10_000_000));
  const inst = (chain: Chain, wasm = ibcWasm) => {
    const r = chain.instantiate(chain.addr("alice"), chain.storeCode(wasm), "");
    if (!r.ok) throw new Error(r.error);
    return r.address!;
  };
  const ca = inst(a);
  const cb = inst(b);
  const link = connectChains(a, b);
  const relayer = new Relayer(link);
  return { a, b, alice, bob, ca, cb, link, relayer, inst };
}

function setupChannel(order: "unordered" | "ordered" = "unordered") {
  const s = setup();
  const ch = openChannel(s.link, `wasm.${s.ca}`, `wasm.${s.cb}`, "mesh-1", order);
  /** Contract A sends a packet (send_packet from a sub-message); returns the tx result. */
  const send = (data: string, timeout: { block?: { revision: number; height: number } | null; timestamp?: string | null } = { timestamp: String(s.b.timeNs + 600n * SEC) }, replyOn = "never") =>
    s.a.execute(s.alice, s.ca, respond({
      messages: [sub(1, { ibc: { send_packet: { channel_id: ch.channelA, data: b64(data), timeout: { block: null, timestamp: null, ...timeout } } } }, replyOn)],
    }));
  return { ...s, ch, send };
}

describe("host ibc: connection and channel handshake", () => {
  test("connectChains makes a connection pair; openChannel runs open_init/open_try/open_ack/open_confirm with wasmd's JSON", () => {
    const { a, b, ca, cb, link } = setup();
    expect([link.connectionA, link.connectionB, link.clientA, link.clientB]).toEqual(["connection-0", "connection-0", "07-tendermint-0", "07-tendermint-0"]);
    const portA = `wasm.${ca}`;
    const portB = `wasm.${cb}`;
    expect(a.contract(ca)!.ibcPort).toBe(portA);
    const ch = openChannel(link, portA, portB, "mesh-1");
    expect(ch).toEqual({ portA, portB, channelA: "channel-0", channelB: "channel-0", version: "mesh-1", order: "ORDER_UNORDERED" });
    const chan = (port: string, id: string, cpPort: string, cpId: string, version = "mesh-1") =>
      `{"endpoint":{"port_id":"${port}","channel_id":"${id}"},"counterparty_endpoint":{"port_id":"${cpPort}","channel_id":"${cpId}"},` +
      `"order":"ORDER_UNORDERED","version":"${version}","connection_id":"connection-0"}`;
    expect(logged(a, ca, "ibc_channel_open")).toBe(`{"open_init":{"channel":${chan(portA, "channel-0", portB, "")}}}`);
    expect(logged(b, cb, "ibc_channel_open")).toBe(`{"open_try":{"channel":${chan(portB, "channel-0", portA, "channel-0")},"counterparty_version":"mesh-1"}}`);
    expect(logged(a, ca, "ibc_channel_connect")).toBe(`{"open_ack":{"channel":${chan(portA, "channel-0", portB, "channel-0")},"counterparty_version":"mesh-1"}}`);
    expect(logged(b, cb, "ibc_channel_connect")).toBe(`{"open_confirm":{"channel":${chan(portB, "channel-0", portA, "channel-0")}}}`);
    expect(a.ibc.getChannel(a.state, portA, "channel-0")).toMatchObject({ state: "OPEN", counterpartyChannel: "channel-0", version: "mesh-1" });
    // the ibc queries of the contract
    const q = (request: unknown) => JSON.parse(Buffer.from(JSON.parse(text(a.queryBytes(ca, `Q${JSON.stringify(request)}`))!).ok.ok, "base64").toString());
    expect(q({ ibc: { port_id: {} } })).toEqual({ port_id: portA });
    expect(q({ ibc: { channel: { channel_id: "channel-0" } } })).toEqual({ channel: JSON.parse(chan(portA, "channel-0", portB, "channel-0")) });
    expect(q({ ibc: { channel: { channel_id: "channel-9" } } })).toEqual({});
    expect(q({ ibc: { list_channels: {} } })).toEqual({ channels: [JSON.parse(chan(portA, "channel-0", portB, "channel-0"))] });
    // a second channel gets the next id; the env of the handshake calls carries the tx index of the relay tx
    const ch2 = openChannel(link, portA, portB, "mesh-1", "ordered");
    expect([ch2.channelA, ch2.channelB, ch2.order]).toEqual(["channel-1", "channel-1", "ORDER_ORDERED"]);
    expect(a.ibc.nextSequenceSend(a.state, portA, "channel-1")).toBe(1n); // sequences are per channel
  });

  test("version negotiation: the contract's returned version wins on both ends", () => {
    const { a, b, ca, cb, link } = setup();
    setCmd(b, cb, "ibc_channel_open", `M${JSON.stringify({ version: "mesh-2" })}`);
    const ch = openChannel(link, `wasm.${ca}`, `wasm.${cb}`, "mesh-1");
    expect(ch.version).toBe("mesh-2");
    expect(JSON.parse(logged(a, ca, "ibc_channel_connect")!).open_ack).toMatchObject({ counterparty_version: "mesh-2", channel: { version: "mesh-2" } });
    expect(a.ibc.getChannel(a.state, `wasm.${ca}`, ch.channelA)!.version).toBe("mesh-2");
    expect(b.ibc.getChannel(b.state, `wasm.${cb}`, ch.channelB)!.version).toBe("mesh-2");
    // on open_init too; an empty proposal with no returned version is refused (wasmd: "version: empty")
    setCmd(a, ca, "ibc_channel_open", `M${JSON.stringify({ version: "mine" })}`);
    setCmd(b, cb, "ibc_channel_open", undefined);
    expect(openChannel(link, `wasm.${ca}`, `wasm.${cb}`, "").version).toBe("mine");
    setCmd(a, ca, "ibc_channel_open", undefined);
    expect(() => openChannel(link, `wasm.${ca}`, `wasm.${cb}`, "")).toThrow(/open_init on provider-1: channel open init callback failed for port ID: .*, channel ID: channel-2: version: empty$/);
  });

  test("a contract refusing the handshake aborts it (open_try), leaving the initiator's channel in INIT", () => {
    const { a, b, ca, cb, link } = setup();
    setCmd(b, cb, "ibc_channel_open", "Eunsupported version");
    let err: HandshakeError | undefined;
    try {
      openChannel(link, `wasm.${ca}`, `wasm.${cb}`, "mesh-9");
    } catch (e) {
      err = e as HandshakeError;
    }
    expect(err).toBeInstanceOf(HandshakeError);
    expect(err!.step).toBe("open_try");
    expect(err!.failure.error).toBe(`channel open try callback failed for port ID: wasm.${cb}, channel ID: channel-0: unsupported version: execute wasm contract failed`);
    expect(err!.partial).toEqual({ channelA: "channel-0" });
    expect(a.ibc.getChannel(a.state, `wasm.${ca}`, "channel-0")!.state).toBe("INIT");
    expect(b.ibc.channels(b.state)).toEqual([]);
    // refusing at open_ack / a trap at open_confirm
    setCmd(b, cb, "ibc_channel_open", undefined);
    setCmd(a, ca, "ibc_channel_connect", "Enope");
    expect(() => openChannel(link, `wasm.${ca}`, `wasm.${cb}`, "x")).toThrow(/open_ack on provider-1: channel open ack callback failed .*: nope: execute wasm contract failed/);
    setCmd(a, ca, "ibc_channel_connect", undefined);
    setCmd(b, cb, "ibc_channel_connect", "X");
    try {
      openChannel(link, `wasm.${ca}`, `wasm.${cb}`, "x");
      throw new Error("expected a failure");
    } catch (e) {
      // VM errors of the IBC entry points are ErrExecuteFailed in wasmd
      expect((e as HandshakeError).step).toBe("open_confirm");
      expect((e as HandshakeError).failure).toMatchObject({ vmError: true, codespace: "wasm", code: 5 });
    }
    // a port that is not bound (a contract without IBC entry points)
    const plain = setup().inst(a, plainWasm);
    expect(() => openChannel(link, `wasm.${plain}`, `wasm.${cb}`, "x")).toThrow(/could not retrieve module from port-id/);
  });
});

describe("host ibc: packets", () => {
  test("send → receive → ack → ack handler, with wasmd's packet JSON", () => {
    const { a, b, ca, cb, ch, relayer, send } = setupChannel();
    setCmd(b, cb, "ibc_packet_receive", `Wgot=1;M${JSON.stringify({ acknowledgement: b64("pong") })}`);
    const timeout = b.timeNs + 600n * SEC;
    const sent = ok(send("ping", { timestamp: String(timeout) }, "success"));
    // the reply carries MsgIBCSendResponse{sequence: 1}
    const reply = JSON.parse(raw(a, ca, "last_reply")!);
    expect(reply.result.ok.msg_responses).toEqual([{ type_url: "/cosmwasm.wasm.v1.MsgIBCSendResponse", value: b64(Uint8Array.from([8, 1])) }]);
    expect(sent.events.find((e) => e.type === "send_packet")?.attributes.find((x) => x.key === "packet_sequence")?.value).toBe("1");

    const pending = relayer.pending();
    expect(pending.packets.map((p) => p.id)).toEqual([`provider-1/wasm.${ca}/${ch.channelA}/1`]);
    expect(pending.acks).toEqual([]);
    const r = relayer.deliver(pending.packets[0]);
    expect(r).toMatchObject({ kind: "recv", ok: true, noop: false, ackText: "pong", ackSuccess: true, chainId: "consumer" });
    expect(raw(b, cb, "got")).toBe("1");
    const packetJson =
      `{"data":"${b64("ping")}","src":{"port_id":"wasm.${ca}","channel_id":"channel-0"},"dest":{"port_id":"wasm.${cb}","channel_id":"channel-0"},` +
      `"sequence":1,"timeout":{"block":null,"timestamp":"${timeout}"}}`;
    expect(logged(b, cb, "ibc_packet_receive")).toBe(`{"packet":${packetJson},"relayer":"${b.addr("relayer")}"}`);

    const p2 = relayer.pending();
    expect(p2.packets).toEqual([]);
    expect(p2.acks.map((x) => text(x.ack))).toEqual(["pong"]);
    expect(relayer.deliverAck(p2.acks[0])).toMatchObject({ kind: "ack", ok: true, noop: false, chainId: "provider-1" });
    expect(logged(a, ca, "ibc_packet_ack")).toBe(
      `{"acknowledgement":{"data":"${b64("pong")}"},"original_packet":${packetJson},"relayer":"${a.addr("relayer")}"}`,
    );
    expect(relayer.pending()).toEqual({ packets: [], acks: [], timeouts: [], closes: [], awaitingAck: [] });
    // an ack cannot be delivered twice: the second is a no-op and the handler is not called again
    clearLog(a, ca, "ibc_packet_ack");
    expect(relayer.deliverAck(p2.acks[0])).toMatchObject({ ok: true, noop: true });
    expect(logged(a, ca, "ibc_packet_ack")).toBeUndefined();
  });

  test("a timeout by block height is written as {revision, height} (revision from the chain id)", () => {
    const { b, cb, relayer, send } = setupChannel();
    ok(send("h", { block: { revision: 0, height: b.height + 5 } }));
    relayer.relayAll();
    expect(JSON.parse(logged(b, cb, "ibc_packet_receive")!).packet.timeout).toEqual({ block: { revision: 0, height: b.height + 5 } });
    // send_packet checks: empty data, no timeout, a timeout already passed on the destination
    const err = (r: TxResult) => (r.ok ? "ok" : r.error);
    expect(err(send("", { timestamp: String(b.timeNs + SEC) }))).toBe("channel: constructed packet failed basic validation: packet data bytes cannot be empty: invalid packet");
    expect(err(send("x", { timestamp: null }))).toBe(
      "channel: constructed packet failed basic validation: packet timeout height and packet timeout timestamp cannot both be 0: invalid packet",
    );
    expect(err(send("x", { timestamp: String(b.timeNs) }))).toBe(
      `channel: invalid packet timeout: current timestamp: ${b.timeNs}, timeout timestamp ${b.timeNs}: timeout elapsed`,
    );
    expect(err(send("x", { block: { revision: 0, height: b.height } }))).toBe(
      `channel: invalid packet timeout: current height: 0-${b.height}, timeout height 0-${b.height}: timeout elapsed`,
    );
  });

  test("a contract error in ibc_packet_receive: error ack with the message verbatim, the contract's state reverted", () => {
    const { b, ca, cb, a, relayer, send } = setupChannel();
    setCmd(b, cb, "ibc_packet_receive", "Wtouched=1;Eout of <order>");
    ok(send("ping"));
    const r = relayer.deliver(relayer.pending().packets[0]);
    expect(r).toMatchObject({ ok: true, ackSuccess: false, ackText: '{"error":"out of \\u003corder\\u003e"}' });
    expect(raw(b, cb, "touched")).toBeUndefined();
    expect(logged(b, cb, "ibc_packet_receive")).toBeUndefined(); // the whole callback was reverted
    expect(r.events.map((e) => e.type)).toContain("ibccallbackerror-ibc_packet_received");
    // the error ack is relayed to the sender's ack handler like any ack
    ok(relayer.deliverAck(relayer.pending().acks[0]) as TxResult);
    expect(JSON.parse(logged(a, ca, "ibc_packet_ack")!).acknowledgement.data).toBe(b64('{"error":"out of \\u003corder\\u003e"}'));
  });

  test("a failing message of the receive response: error ack 'ABCI error: <codespace>/<code>', state reverted", () => {
    const { b, cb, relayer, send } = setupChannel();
    const bankSend = { bank: { send: { to_address: b.addr("carol"), amount: USTAKE(1) } } }; // the contract has no funds
    setCmd(b, cb, "ibc_packet_receive", `Wtouched=1;M${JSON.stringify({ acknowledgement: b64("ok"), messages: [sub(1, bankSend)] })}`);
    ok(send("ping"));
    const r = relayer.deliver(relayer.pending().packets[0]);
    expect(r).toMatchObject({ ok: true, ackSuccess: false, ackText: '{"error":"ABCI error: sdk/5: error handling packet: see events for details"}' });
    expect(raw(b, cb, "touched")).toBeUndefined();
    // with funds the same packet content succeeds and the message runs
    setCmd(b, cb, "ibc_packet_receive", `Wtouched=1;M${JSON.stringify({ acknowledgement: b64("ok"), messages: [sub(1, bankSend)] })}`);
    b.fund(cb, USTAKE(5));
    ok(send("ping2"));
    expect(relayer.deliver(relayer.pending().packets[0])).toMatchObject({ ok: true, ackSuccess: true, ackText: "ok" });
    expect(b.balance(b.addr("carol"), "ustake")).toBe(1n);
    expect(raw(b, cb, "touched")).toBe("1");
  });

  test("a VM error in ibc_packet_receive fails the relay tx: nothing is written and the packet stays pending", () => {
    const { b, cb, relayer, send } = setupChannel();
    setCmd(b, cb, "ibc_packet_receive", "Wtouched=1;X");
    ok(send("ping"));
    const [p] = relayer.pending().packets;
    const r = relayer.deliver(p);
    expect(r).toMatchObject({ ok: false, vmError: true, codespace: "wasm" });
    expect(r.ack).toBeUndefined();
    expect(raw(b, cb, "touched")).toBeUndefined();
    expect(relayer.pending().packets.map((x) => x.id)).toEqual([p.id]);
    expect(relayer.relayAll()).toMatchObject({ packets: 0, acks: 0 }); // still failing
    setCmd(b, cb, "ibc_packet_receive", "Aaborted on purpose"); // env.abort is a VM error too
    expect(relayer.deliver(p)).toMatchObject({ ok: false, vmError: true });
    setCmd(b, cb, "ibc_packet_receive", `M${JSON.stringify({ acknowledgement: b64("fine") })}`);
    expect(relayer.relayAll()).toMatchObject({ packets: 1, acks: 1 });
  });

  test("an error in the ack or timeout handler fails that relay tx; the packet stays pending", () => {
    const { a, b, ca, cb, relayer, send } = setupChannel();
    setCmd(b, cb, "ibc_packet_receive", `M${JSON.stringify({ acknowledgement: b64("a") })}`);
    setCmd(a, ca, "ibc_packet_ack", "Wacked=1;Eack refused");
    ok(send("ping"));
    relayer.deliver(relayer.pending().packets[0]);
    const r = relayer.deliverAck(relayer.pending().acks[0]);
    expect(r).toMatchObject({ ok: false, error: "acknowledge packet callback failed: on ack: ack refused: execute wasm contract failed" });
    expect(raw(a, ca, "acked")).toBeUndefined();
    expect(relayer.pending().acks).toHaveLength(1);
    setCmd(a, ca, "ibc_packet_ack", "Wacked=1");
    expect(relayer.deliverAck(relayer.pending().acks[0]).ok).toBe(true);
    expect(raw(a, ca, "acked")).toBe("1");

    setCmd(a, ca, "ibc_packet_timeout", "Wrefunded=1;X");
    ok(send("never", { timestamp: String(b.timeNs + 5n * SEC) }));
    b.advance({ seconds: 10 });
    const [t] = relayer.timeoutExpired();
    expect(t).toMatchObject({ kind: "timeout", ok: false, vmError: true, code: 5 });
    expect(t.error).toMatch(/^timeout packet callback failed: on timeout: .*: execute wasm contract failed$/);
    expect(raw(a, ca, "refunded")).toBeUndefined();
    expect(relayer.pending().timeouts).toHaveLength(1);
    setCmd(a, ca, "ibc_packet_timeout", "Wrefunded=1");
    expect(relayer.timeoutExpired().map((r) => r.ok)).toEqual([true]);
    expect(raw(a, ca, "refunded")).toBe("1");
  });

  test("async acknowledgement: no ack in the receive response, written later by write_acknowledgement", () => {
    const { a, b, ca, cb, ch, relayer, send, alice } = setupChannel();
    ok(send("later"));
    relayer.relayAll(); // the default receive response {"ok":{}} has no acknowledgement
    const p = relayer.pending();
    expect(p.acks).toEqual([]);
    expect(p.awaitingAck).toHaveLength(1);
    const write = (seq: number) => b.execute(b.addr("bob"), cb, respond({
      messages: [sub(1, { ibc: { write_acknowledgement: { channel_id: ch.channelB, packet_sequence: seq, ack: { data: b64("done") } } } })],
    }));
    expect(ok(write(1)).ok).toBe(true);
    expect((() => { const r = write(1); return !r.ok && r.error; })()).toBe("packet: invalid"); // only once
    expect(relayer.relayAll()).toMatchObject({ acks: 1 });
    expect(JSON.parse(logged(a, ca, "ibc_packet_ack")!).acknowledgement.data).toBe(b64("done"));
    void alice;
  });

  test("replay protection: a packet delivered twice is a no-op the second time (the contract is not called)", () => {
    const { b, cb, relayer, send } = setupChannel();
    setCmd(b, cb, "ibc_packet_receive", `M${JSON.stringify({ acknowledgement: b64("once") })}`);
    ok(send("ping"));
    const [p] = relayer.pending().packets;
    const first = relayer.deliver(p);
    expect(first).toMatchObject({ ok: true, noop: false, ackText: "once" });
    clearLog(b, cb, "ibc_packet_receive");
    const again = relayer.replay(first);
    expect(again).toMatchObject({ ok: true, noop: true });
    expect(again.ack).toBeUndefined();
    expect(logged(b, cb, "ibc_packet_receive")).toBeUndefined();
    // still exactly one ack, also after the ack was relayed
    expect(relayer.pending().acks).toHaveLength(1);
    relayer.relayAll();
    expect(relayer.replay(p)).toMatchObject({ ok: true, noop: true });
  });

  test("timeouts: refused before expiry, delivered after it, never for a received packet", () => {
    const { a, b, ca, cb, relayer, send } = setupChannel();
    setCmd(b, cb, "ibc_packet_receive", `M${JSON.stringify({ acknowledgement: b64("r") })}`);
    ok(send("late", { block: { revision: 0, height: b.height + 3 } }));
    const [p] = relayer.pending().packets;
    const early = relayer.deliverTimeout(p);
    expect(early).toMatchObject({ ok: false });
    expect(early.error).toBe(`timeout packet verification failed: packet timeout not reached: current height: 0-${b.height}, timeout height 0-${b.height + 3}: timeout not reached`);
    expect(relayer.timeoutExpired()).toEqual([]);
    b.advance({ blocks: 3 });
    // now it cannot be received any more…
    const recv = relayer.deliver(p);
    expect(recv.ok).toBe(false);
    expect(recv.error).toMatch(/^receive packet verification failed: packet timeout elapsed: current height: 0-\d+, timeout height 0-\d+: timeout elapsed$/);
    // …and times out
    expect(relayer.pending().timeouts.map((t) => t.id)).toEqual([p.id]);
    const [t] = relayer.timeoutExpired();
    expect(t).toMatchObject({ kind: "timeout", ok: true, noop: false, chainId: "provider-1" });
    const timedOut = JSON.parse(logged(a, ca, "ibc_packet_timeout")!);
    expect(timedOut.relayer).toBe(a.addr("relayer"));
    expect(timedOut.packet).toMatchObject({ data: b64("late"), sequence: 1, timeout: { block: { revision: 0, height: Number(p.packet.timeoutHeight!.height) } } });
    expect(relayer.deliverTimeout(p)).toMatchObject({ ok: true, noop: true });
    expect(relayer.pending().timeouts).toEqual([]);

    // a received packet cannot be timed out, even after its timeout passed
    ok(send("in time", { block: { revision: 0, height: b.height + 2 } }));
    const [q] = relayer.pending().packets;
    expect(relayer.deliver(q).ok).toBe(true);
    b.advance({ blocks: 5 });
    const bad = relayer.deliverTimeout(q);
    expect(bad.ok).toBe(false);
    expect(bad.error).toMatch(/^timeout packet verification failed: failed packet receipt absence verification/);
    expect(relayer.pending().timeouts).toEqual([]);
    expect(relayer.pending().acks).toHaveLength(1);
  });

  test("timeout by timestamp follows the destination's block time", () => {
    const { a, b, ca, relayer, send } = setupChannel();
    ok(send("t", { timestamp: String(b.timeNs + 10n * SEC) }));
    a.advance({ seconds: 3600 }); // the source's clock does not matter
    expect(relayer.timeoutExpired()).toEqual([]);
    b.advance({ seconds: 10 });
    expect(relayer.timeoutExpired().map((r) => r.ok)).toEqual([true]);
    expect(logged(a, ca, "ibc_packet_timeout")).toBeDefined();
  });

  test("an ORDERED channel: packets only in sequence; a timeout closes the channel", () => {
    const { a, b, cb, relayer, send, ch } = setupChannel("ordered");
    setCmd(b, cb, "ibc_packet_receive", `M${JSON.stringify({ acknowledgement: b64("k") })}`);
    ok(send("1"));
    ok(send("2"));
    const [p1, p2] = relayer.pending().packets;
    const out = relayer.deliver(p2);
    expect(out.ok).toBe(false);
    expect(out.error).toBe("receive packet verification failed: packet sequence ≠ next receive sequence (2 ≠ 1): packet sequence is out of order");
    expect(relayer.deliver(p1).ok).toBe(true);
    expect(relayer.deliver(p2).ok).toBe(true);
    expect(relayer.deliver(p1)).toMatchObject({ ok: true, noop: true });
    relayer.relayAll();
    ok(send("3", { block: { revision: 0, height: b.height + 1 } }));
    b.advance();
    expect(relayer.timeoutExpired().map((r) => r.ok)).toEqual([true]);
    expect(a.ibc.getChannel(a.state, ch.portA, ch.channelA)!.state).toBe("CLOSED");
  });
});

describe("host ibc: the relayer", () => {
  test("any delivery order on an unordered channel; relayAll drains packets then acks", () => {
    const { b, cb, relayer, send } = setupChannel();
    setCmd(b, cb, "ibc_packet_receive", `M${JSON.stringify({ acknowledgement: b64("k") })}`);
    for (const d of ["a", "b", "c"]) ok(send(d));
    const [p1, p2, p3] = relayer.pending().packets;
    expect(relayer.deliver(p3).ok).toBe(true);
    expect(JSON.parse(logged(b, cb, "ibc_packet_receive")!).packet.sequence).toBe(3);
    expect(relayer.deliver(p1).ok).toBe(true);
    expect(relayer.pending().packets.map((p) => p.id)).toEqual([p2.id]);
    expect(relayer.pending().acks.map((x) => x.packet.sequence)).toEqual([1n, 3n]);
    const rep = relayer.relayAll();
    expect(rep).toMatchObject({ packets: 1, acks: 3, timeouts: 0 });
    expect(rep.results.map((r) => r.kind)).toEqual(["recv", "ack", "ack", "ack"]);
    expect(relayer.pending()).toEqual({ packets: [], acks: [], timeouts: [], closes: [], awaitingAck: [] });
  });

  test("hold (outage) and release; drop (a lost packet) ends in its timeout", () => {
    const { b, cb, relayer, send } = setupChannel();
    setCmd(b, cb, "ibc_packet_receive", `M${JSON.stringify({ acknowledgement: b64("k") })}`);
    ok(send("x"));
    relayer.hold();
    expect(relayer.relayAll()).toMatchObject({ packets: 0, results: [] });
    relayer.release();
    ok(send("y", { timestamp: String(b.timeNs + 20n * SEC) }));
    const [px, py] = relayer.pending().packets;
    relayer.hold(px);
    expect(relayer.relayAll()).toMatchObject({ packets: 1, acks: 1 });
    expect(relayer.pending().packets.map((p) => p.id)).toEqual([px.id]);
    relayer.release(px);
    ok(send("z", { timestamp: String(b.timeNs + 20n * SEC) }));
    const pz = relayer.pending().packets.find((p) => p.packet.sequence === 3n)!;
    relayer.drop(pz);
    expect(relayer.relayAll()).toMatchObject({ packets: 1, acks: 1, timeouts: 0 });
    expect(relayer.pending().packets.map((p) => p.id)).toEqual([pz.id]);
    b.advance({ seconds: 30 });
    expect(relayer.relayAll()).toMatchObject({ packets: 0, timeouts: 1 });
    expect(relayer.pending().packets).toEqual([]);
    void py;
  });

  test("relayRandom: random order on an ORDERED channel still delivers everything (out-of-order attempts fail and are retried)", () => {
    const { b, cb, relayer, send } = setupChannel("ordered");
    setCmd(b, cb, "ibc_packet_receive", `Wlast=0;M${JSON.stringify({ acknowledgement: b64("k") })}`);
    for (let i = 0; i < 6; i++) ok(send(`p${i}`));
    let seed = 42;
    const rng = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const rep = relayer.relayRandom(rng);
    expect(rep.packets).toBe(6);
    expect(rep.acks).toBe(6);
    expect(rep.results.some((r) => !r.ok)).toBe(true);
    expect(relayer.pending()).toEqual({ packets: [], acks: [], timeouts: [], closes: [], awaitingAck: [] });
    expect(b.ibc.nextSequenceRecv(b.state, `wasm.${cb}`, "channel-0")).toBe(7n);
  });
});

describe("host ibc: ICS-20", () => {
  const sha256Upper = (s: string) => createHash("sha256").update(s).digest("hex").toUpperCase();

  test("round trip: escrow on the source, ibc/<HASH> voucher on the destination, burn and unescrow on the way back", () => {
    const { a, b, alice, bob, link } = setup();
    const ch = openChannel(link, "transfer", "transfer", "ics20-1");
    expect(ch).toMatchObject({ channelA: "channel-0", channelB: "channel-0", version: "ics20-1" });
    const relayer = new Relayer(link);
    const escrowA = escrowAddress("wasm", "transfer", "channel-0");
    expect(escrowA).toBe(a.transfer.escrowAddress("transfer", "channel-0"));
    // sha256("ics20-1" ‖ 0 ‖ "transfer/channel-0")[:20]
    const digest = createHash("sha256").update(Buffer.concat([Buffer.from("ics20-1"), Buffer.from([0]), Buffer.from("transfer/channel-0")])).digest();
    expect(escrowA).toBe(require("../../src/host").toBech32("wasm", digest.subarray(0, 20)));

    const supplyA = a.supply("ustake");
    const t = ok(a.ibcTransfer(alice, { channelId: ch.channelA, toAddress: bob, amount: { denom: "ustake", amount: "1000" }, timeout: { timestamp: b.timeNs + 600n * SEC } }));
    expect(t.sequence).toBe(1n);
    expect(a.balance(alice, "ustake")).toBe(10_000_000n - 1000n);
    expect(a.balance(escrowA, "ustake")).toBe(1000n);
    const [p] = relayer.pending().packets;
    expect(text(p.packet.data)).toBe(`{"amount":"1000","denom":"ustake","receiver":"${bob}","sender":"${alice}"}`);

    const r = relayer.deliver(p);
    expect(r).toMatchObject({ ok: true, ackText: '{"result":"AQ=="}', ackSuccess: true });
    const voucher = `ibc/${sha256Upper("transfer/channel-0/ustake")}`;
    expect(b.balance(bob, voucher)).toBe(1000n);
    expect(b.supply(voucher)).toBe(1000n);
    expect(b.transfer.denomTrace(b.state, voucher.slice(4))).toBe("transfer/channel-0/ustake");
    relayer.relayAll();
    expect(a.balance(alice, "ustake")).toBe(10_000_000n - 1000n); // success ack: no refund

    // back: the voucher is burnt on B, the escrow pays out on A
    ok(b.ibcTransfer(bob, { channelId: ch.channelB, toAddress: alice, amount: { denom: voucher, amount: "400" }, timeout: { timestamp: a.timeNs + 600n * SEC } }));
    expect(b.supply(voucher)).toBe(600n);
    const [back] = relayer.pending().packets;
    expect(JSON.parse(text(back.packet.data)!).denom).toBe("transfer/channel-0/ustake");
    expect(relayer.relayAll()).toMatchObject({ packets: 1, acks: 1 });
    expect(a.balance(alice, "ustake")).toBe(10_000_000n - 600n);
    expect(a.balance(escrowA, "ustake")).toBe(600n);
    expect(a.supply("ustake")).toBe(supplyA);
  });

  test("refunds: an error ack (bad receiver) and a timeout give the tokens back; a contract can send ICS-20 too", () => {
    const { a, b, alice, ca, link } = setup();
    const ch = openChannel(link, "transfer", "transfer", "ics20-1");
    const relayer = new Relayer(link);
    ok(a.ibcTransfer(alice, { channelId: ch.channelA, toAddress: "not-an-address", amount: { denom: "ustake", amount: "500" }, timeout: { timestamp: b.timeNs + 600n * SEC } }));
    expect(a.balance(alice, "ustake")).toBe(10_000_000n - 500n);
    const [r] = relayer.relayAll().results;
    // ICS-20 uses NewErrorAcknowledgement: the ABCI code only (an unregistered bech32 error → 1)
    expect(r.ackText).toBe('{"error":"ABCI code: 1: error handling packet: see events for details"}');
    expect(a.balance(alice, "ustake")).toBe(10_000_000n); // refunded on the error ack

    ok(a.ibcTransfer(alice, { channelId: ch.channelA, toAddress: b.addr("bob"), amount: { denom: "ustake", amount: "70" }, timeout: { timestamp: b.timeNs + 10n * SEC } }));
    expect(a.balance(alice, "ustake")).toBe(10_000_000n - 70n);
    b.advance({ seconds: 15 });
    expect(relayer.relayAll()).toMatchObject({ packets: 0, timeouts: 1 });
    expect(a.balance(alice, "ustake")).toBe(10_000_000n);

    // {"ibc":{"transfer":…}} from a contract
    a.fund(ca, USTAKE(50));
    const msg = { ibc: { transfer: { channel_id: ch.channelA, to_address: b.addr("carol"), amount: { denom: "ustake", amount: "50" }, timeout: { block: null, timestamp: String(b.timeNs + 60n * SEC) }, memo: "hi" } } };
    ok(a.execute(alice, ca, respond({ messages: [sub(1, msg, "success")] })));
    expect(JSON.parse(raw(a, ca, "last_reply")!).result.ok.msg_responses[0].type_url).toBe("/ibc.applications.transfer.v1.MsgTransferResponse");
    const [p] = relayer.pending().packets;
    expect(JSON.parse(text(p.packet.data)!)).toEqual({ amount: "50", denom: "ustake", memo: "hi", receiver: b.addr("carol"), sender: ca });
    relayer.relayAll();
    expect(b.balance(b.addr("carol"), `ibc/${sha256Upper("transfer/channel-0/ustake")}`)).toBe(50n);
    // an unordered-only app: an ordered transfer channel is refused
    expect(() => openChannel(link, "transfer", "transfer", "ics20-1", "ordered")).toThrow(/expected ORDER_UNORDERED channel, got ORDER_ORDERED/);
  });
});

describe("host ibc: closing channels", () => {
  test("close_channel from a contract: its own close_init runs, the relayer delivers close_confirm; closed channels refuse packets", () => {
    const { a, b, ca, cb, ch, relayer, send, alice } = setupChannel();
    ok(send("in flight", { timestamp: String(b.timeNs + 600n * SEC) }));
    ok(a.execute(alice, ca, respond({ messages: [sub(1, { ibc: { close_channel: { channel_id: ch.channelA } } })] })));
    expect(JSON.parse(logged(a, ca, "ibc_channel_close")!)).toMatchObject({ close_init: { channel: { endpoint: { channel_id: ch.channelA } } } });
    expect(a.ibc.getChannel(a.state, ch.portA, ch.channelA)!.state).toBe("CLOSED");
    const p = relayer.pending();
    expect(p.closes.map((c) => [c.chain.chainId, c.port, c.channel])).toEqual([["consumer", ch.portB, ch.channelB]]);
    // close confirm first: the packet in flight can then no longer be received, it times out on close
    expect(relayer.deliverCloseConfirm(p.closes[0])).toMatchObject({ kind: "close_confirm", ok: true });
    expect(JSON.parse(logged(b, cb, "ibc_channel_close")!)).toMatchObject({ close_confirm: { channel: { endpoint: { channel_id: ch.channelB } } } });
    expect(b.ibc.getChannel(b.state, ch.portB, ch.channelB)!.state).toBe("CLOSED");
    const recv = relayer.deliver(p.packets[0]);
    expect(recv.ok).toBe(false);
    expect(recv.error).toBe(
      "receive packet verification failed: expected channel state to be one of [STATE_OPEN, STATE_FLUSHING, STATE_FLUSHCOMPLETE], but got STATE_CLOSED: invalid channel state",
    );
    expect(relayer.pending().timeouts.map((t) => t.onClose)).toEqual([true]);
    expect(relayer.relayAll().timeouts).toBe(1); // MsgTimeoutOnClose
    const again = send("after");
    expect(!again.ok && again.error).toBe("channel: channel is not OPEN (got STATE_CLOSED): invalid channel state");
    // the ibc channel query no longer lists it
    const q = JSON.parse(Buffer.from(JSON.parse(text(a.queryBytes(ca, `Q${JSON.stringify({ ibc: { list_channels: {} } })}`))!).ok.ok, "base64").toString());
    expect(q).toEqual({ channels: [] });
  });

  test("the relayer's closeChannel; ICS-20 channels cannot be closed by users", () => {
    const { a, b, ca, cb, link, relayer } = setupChannel();
    const r = relayer.closeChannel(b, `wasm.${cb}`, "channel-0");
    expect(r.init.ok).toBe(true);
    expect(r.confirm?.ok).toBe(true);
    expect(a.ibc.getChannel(a.state, `wasm.${ca}`, "channel-0")!.state).toBe("CLOSED");
    const t = openChannel(link, "transfer", "transfer", "ics20-1");
    const refused = relayer.closeChannel(a, "transfer", t.channelA);
    expect(refused.init).toMatchObject({ ok: false, error: `channel close init callback failed for port ID: transfer, channel ID: ${t.channelA}: user cannot close channel: invalid request` });
  });

  test("a contract that refuses close_confirm fails that relay tx (the channel stays open on its side)", () => {
    const { a, b, ca, cb, ch, relayer, alice } = setupChannel();
    setCmd(b, cb, "ibc_channel_close", "Ekeep it");
    ok(a.execute(alice, ca, respond({ messages: [sub(1, { ibc: { close_channel: { channel_id: ch.channelA } } })] })));
    const rep = relayer.relayAll();
    expect(rep.closes).toBe(0);
    expect(rep.results[0]).toMatchObject({ kind: "close_confirm", ok: false });
    expect(rep.results[0].error).toMatch(/channel close confirm callback failed .*: keep it: execute wasm contract failed/);
    expect(b.ibc.getChannel(b.state, ch.portB, ch.channelB)!.state).toBe("OPEN");
  });
});

describe("host ibc: links between several chains", () => {
  test("two links from one chain relay independently; a voucher of a voucher has a two-hop trace", () => {
    const a = new Chain({ chainId: "a-1", prefix: "wasm", bondDenom: "ustake" });
    const b = new Chain({ chainId: "b-1", prefix: "wasm", bondDenom: "ustake" });
    const c = new Chain({ chainId: "c-1", prefix: "wasm", bondDenom: "ustake" });
    const ab: Link = connectChains(a, b);
    const bc: Link = connectChains(b, c);
    expect([bc.connectionA, bc.connectionB]).toEqual(["connection-1", "connection-0"]);
    const t1 = openChannel(ab, "transfer", "transfer", "ics20-1");
    const t2 = openChannel(bc, "transfer", "transfer", "ics20-1");
    expect([t2.channelA, t2.channelB]).toEqual(["channel-1", "channel-0"]);
    const alice = a.addr("alice");
    a.fund(alice, USTAKE(100));
    ok(a.ibcTransfer(alice, { channelId: t1.channelA, toAddress: b.addr("bob"), amount: { denom: "ustake", amount: "100" }, timeout: { timestamp: b.timeNs + 60n * SEC } }));
    const rAB = new Relayer(ab);
    const rBC = new Relayer(bc);
    expect(rBC.pending().packets).toEqual([]);
    rAB.relayAll();
    const v1 = `ibc/${createHash("sha256").update("transfer/channel-0/ustake").digest("hex").toUpperCase()}`;
    ok(b.ibcTransfer(b.addr("bob"), { channelId: t2.channelA, toAddress: c.addr("carol"), amount: { denom: v1, amount: "100" }, timeout: { timestamp: c.timeNs + 60n * SEC } }));
    expect(rAB.pending().packets).toEqual([]);
    expect(rBC.relayAll()).toMatchObject({ packets: 1, acks: 1 });
    const v2 = `ibc/${createHash("sha256").update("transfer/channel-0/transfer/channel-0/ustake").digest("hex").toUpperCase()}`;
    expect(c.balance(c.addr("carol"), v2)).toBe(100n);
  });
});

describe("host ibc: ICS-20 with the callbacks middleware (as wasmd v0.54 wires it)", () => {
  // The SDK harness (AssemblyScript) records every callback it gets under ("callback", kind, sequence).
  const harness = (chain: Chain) => {
    const r = chain.instantiate(chain.addr("alice"), chain.storeCode(testContract("sdk-harness")), {});
    if (!r.ok) throw new Error(r.error);
    return r.address!;
  };
  const callbacks = (chain: Chain, contract: string, kind: string) =>
    (chain.query(contract, { range: { prefix: ["callback", kind] } }) as { entries: [string, string][] }).entries.map(([, v]) => JSON.parse(v));
  const memo = (o: unknown) => JSON.stringify(o);
  const voucher = `ibc/${createHash("sha256").update("transfer/channel-0/ustake").digest("hex").toUpperCase()}`;

  test("destination: called after a successful receive with the ack and the packet; a failing callback keeps the transfer", () => {
    const { a, b, alice, link } = setup();
    const ch = openChannel(link, "transfer", "transfer", "ics20-1");
    const relayer = new Relayer(link);
    const hb = harness(b);
    const send = (m: string) => ok(a.ibcTransfer(alice, { channelId: ch.channelA, toAddress: hb, amount: { denom: "ustake", amount: "100" }, memo: m, timeout: { timestamp: b.timeNs + 600n * SEC } }));
    send(memo({ dest_callback: { address: hb } }));
    const [delivered] = relayer.relayAll().results;
    expect(delivered).toMatchObject({ ok: true, ackText: '{"result":"AQ=="}' });
    const data = `{"amount":"100","denom":"ustake","memo":${JSON.stringify(memo({ dest_callback: { address: hb } }))},"receiver":"${hb}","sender":"${alice}"}`;
    expect(callbacks(b, hb, "destination")).toEqual([
      { ack: '{"result":"AQ=="}', src: `transfer/${ch.channelA}`, dest: `transfer/${ch.channelB}`, sequence: 1, data, relayer: null },
    ]);
    expect(b.balance(hb, voucher)).toBe(100n);
    // The callback fails: its writes are dropped, the transfer and its success ack stand.
    send(memo({ dest_callback: { address: hb }, note: "fail_callback" }));
    const [failed] = relayer.relayAll().results;
    expect(failed).toMatchObject({ ok: true, ackText: '{"result":"AQ=="}' });
    expect(failed.events.find((e) => e.type === "ibc_dest_callback")?.attributes).toEqual(expect.arrayContaining([
      { key: "callback_result", value: "failure" }, { key: "callback_address", value: hb },
    ]));
    expect(callbacks(b, hb, "destination")).toHaveLength(1);
    expect(b.balance(hb, voucher)).toBe(200n);
    // A memo naming an account that is no contract: the callback fails, the transfer does not.
    send(memo({ dest_callback: { address: b.addr("bob") } }));
    expect(relayer.relayAll().results[0]).toMatchObject({ ok: true, ackText: '{"result":"AQ=="}' });
  });

  test("source: called on the ack and on the timeout, only when the callback address sent the transfer", () => {
    const { a, b, alice, bob, link } = setup();
    const ch = openChannel(link, "transfer", "transfer", "ics20-1");
    const relayer = new Relayer(link);
    const ha = harness(a);
    a.fund(ha, USTAKE(1000));
    const transfer = (amount: string) => ok(a.execute(alice, ha, { transfer: { channel: ch.channelA, to: bob, denom: "ustake", amount, memo: memo({ src_callback: { address: ha } }) } }));
    transfer("50");
    relayer.relayAll();
    const [acked] = callbacks(a, ha, "source");
    expect(acked).toMatchObject({ ack: '{"result":"AQ=="}', src: `transfer/${ch.channelA}`, dest: `transfer/${ch.channelB}`, sequence: 1, relayer: a.addr("relayer") });
    expect(JSON.parse(acked.data)).toEqual({ amount: "50", denom: "ustake", memo: memo({ src_callback: { address: ha } }), receiver: bob, sender: ha });
    // Timed out (the harness's timeout is 600 s): the refund comes first, then the callback without an ack.
    transfer("70");
    b.advance({ seconds: 601 });
    expect(relayer.relayAll()).toMatchObject({ timeouts: 1 });
    expect(callbacks(a, ha, "source")[1]).toMatchObject({ ack: null, sequence: 2, relayer: a.addr("relayer") });
    expect(a.balance(ha, "ustake")).toBe(1000n - 50n);
    // Someone else's transfer naming the harness as its source callback: not called.
    ok(a.ibcTransfer(alice, { channelId: ch.channelA, toAddress: bob, amount: { denom: "ustake", amount: "5" }, memo: memo({ src_callback: { address: ha } }), timeout: { timestamp: b.timeNs + 600n * SEC } }));
    relayer.relayAll();
    expect(callbacks(a, ha, "source")).toHaveLength(2);
  });
});
