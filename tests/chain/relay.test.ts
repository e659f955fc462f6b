/**
 * IBC relaying between two local wasmd chains with src/relay (@confio/relayer as a library).
 *
 * Uses two chains of its own (mesh-relay1 / mesh-relay2, port slots 25 / 26, 4 s gov voting
 * period), started in beforeAll and stopped in afterAll when this file started them; the jest
 * globalSetup's chains (mesh-a, …) are not used. Timings are printed at the end.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { toBech32 } from "@cosmjs/encoding";
import { calculateFee } from "@cosmjs/stargate";
import { MsgTransfer } from "cosmjs-types/ibc/applications/transfer/v1/tx";
import { MsgSubmitProposal, MsgVote } from "cosmjs-types/cosmos/gov/v1/tx";
import { VoteOption } from "cosmjs-types/cosmos/gov/v1/gov";
import { QueryEscrowAddressRequest, QueryEscrowAddressResponse, QueryDenomTraceRequest, QueryDenomTraceResponse } from "cosmjs-types/ibc/applications/transfer/v1/query";
import {
  ChainConfig,
  disconnectAll,
  ensureChain,
  isolatedChain,
  reader,
  releaseLease,
  signer,
  stopChain,
  TEST_ACCOUNTS,
} from "./helpers";
import {
  ChannelIds,
  Endpoint,
  Link,
  Relayer,
  clientFreshness,
  clientStatus,
  closeLink,
  connectChains,
  ensureLink,
  ensureTransferChannel,
  escrowAddress,
  linkIds,
  openTransferChannel,
  relayAll,
  reuseLink,
  sendTransfer,
  setLinksFile,
  classifyPacket,
  packetsFromEvents,
  acksFromEvents,
  ibcDenom,
} from "../../src/relay";
import { relayerTxGas } from "../../src/scenario/flows/gas";

const A = isolatedChain("mesh-relay1", 25, { votingPeriodSeconds: 4 });
const B = isolatedChain("mesh-relay2", 26, { votingPeriodSeconds: 4 });
const DENOM = "ucosm";
const alice = TEST_ACCOUNTS.alice.address;
const bob = TEST_ACCOUNTS.bob.address;

const fileStart = Date.now();
const timings: Record<string, string> = {};
const secs = (ms: number) => `${(ms / 1000).toFixed(2)}s`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Independent of src/relay: "ibc/" + uppercase hex sha256(trace). */
const expectedVoucher = (channelOnB: string) =>
  `ibc/${createHash("sha256").update(`transfer/${channelOnB}/${DENOM}`).digest("hex").toUpperCase()}`;

async function balance(cfg: ChainConfig, addr: string, denom: string): Promise<bigint> {
  const c = await reader(cfg);
  return BigInt((await c.getBalance(addr, denom)).amount);
}

async function waitUntil(what: string, fn: () => Promise<boolean>, timeoutMs = 30_000, stepMs = 100): Promise<number> {
  const t0 = Date.now();
  while (!(await fn())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await sleep(stepMs);
  }
  return Date.now() - t0;
}

/** Wait until the latest block time of the link's side is past `ns`. */
async function waitChainTimePast(link: Link, side: "A" | "B", ns: bigint): Promise<void> {
  const client = side === "A" ? link.endA.client : link.endB.client;
  await waitUntil(`${side} block time past timeout`, async () => {
    const t = (await client.latestHeader()).time;
    return BigInt(t.getTime()) * 1_000_000n > ns;
  }, 30_000, 200);
}

const started: ChainConfig[] = [];
let link: Link;
let transfer: ChannelIds;
let relayer: Relayer | undefined;
const relayers: Relayer[] = []; // every Relayer started here, stopped in afterAll
const extraLinks: Link[] = [];
const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-relay-test-"));

beforeAll(async () => {
  const t0 = Date.now();
  for (const cfg of [A, B]) {
    const r = await ensureChain(cfg, { leaseFor: process.pid });
    if (r.started) started.push(cfg);
  }
  timings["chains ready (ensureChain ×2)"] = secs(Date.now() - t0);

  let t = Date.now();
  link = await connectChains(A, B);
  timings["clients + connection (connectChains)"] = secs(Date.now() - t);
  t = Date.now();
  transfer = await openTransferChannel(link);
  timings["open ICS-20 channel"] = secs(Date.now() - t);
}, 180_000);

afterAll(async () => {
  for (const r of relayers) await r.stop();
  if (link) closeLink(link);
  extraLinks.forEach(closeLink);
  disconnectAll();
  for (const cfg of [A, B]) releaseLease(cfg.chainId);
  for (const cfg of started) await stopChain(cfg);
  fs.rmSync(tmpDir, { recursive: true, force: true });
  timings["whole file (incl. chain start/stop)"] = secs(Date.now() - fileStart);
  process.stderr.write(`\nrelay.test.ts timings:\n${Object.entries(timings).map(([k, v]) => `  ${k.padEnd(48)} ${v}`).join("\n")}\n`);
}, 60_000);

test("pure helpers: packet classification, hex-first event parsing, voucher denom", () => {
  const dest = { height: 100, revision: 0n, timeNs: 1_000_000_000_000n };
  const h = (n: number, rev = 0n) => ({ revisionNumber: rev, revisionHeight: BigInt(n) });
  const none = { timeoutHeight: undefined, timeoutTimestamp: 0n };
  expect(classifyPacket(none, dest)).toBe("submit");
  expect(classifyPacket({ ...none, timeoutHeight: h(100) }, dest)).toBe("timeout"); // dest height ≥ timeout height
  expect(classifyPacket({ ...none, timeoutHeight: h(102) }, dest)).toBe("defer"); // ≤ 3 blocks ahead
  expect(classifyPacket({ ...none, timeoutHeight: h(104) }, dest)).toBe("submit");
  expect(classifyPacket({ ...none, timeoutHeight: h(5, 1n) }, dest)).toBe("submit"); // later revision
  expect(classifyPacket({ ...none, timeoutTimestamp: dest.timeNs }, dest)).toBe("timeout");
  expect(classifyPacket({ ...none, timeoutTimestamp: dest.timeNs + 1_500_000_000n }, dest)).toBe("defer"); // < 2 s ahead
  expect(classifyPacket({ ...none, timeoutTimestamp: dest.timeNs + 2_500_000_000n }, dest)).toBe("submit");

  const attrs = (o: Record<string, string>) => Object.entries(o).map(([key, value]) => ({ key, value }));
  const common = {
    packet_sequence: "7", packet_src_port: "wasm.x", packet_src_channel: "channel-1", packet_dst_port: "wasm.y",
    packet_dst_channel: "channel-2", packet_timeout_height: "0-0", packet_timeout_timestamp: "123",
  };
  const events = [
    { type: "send_packet", attributes: attrs({ ...common, packet_data: "\ufffd", packet_data_hex: "ff00", packet_connection: "connection-0" }) },
    { type: "send_packet", attributes: attrs({ ...common, packet_data: "{}", packet_connection: "connection-9" }) },
    { type: "write_acknowledgement", attributes: attrs({ ...common, packet_data: "{}", packet_ack: "x", packet_ack_hex: "0102", packet_connection: "connection-0" }) },
  ];
  const packets = packetsFromEvents(events, "connection-0");
  expect(packets).toHaveLength(1);
  expect(Array.from(packets[0].data)).toEqual([0xff, 0x00]); // exact bytes from packet_data_hex
  expect(packets[0].sequence).toBe(7n);
  expect(packets[0].timeoutHeight?.revisionHeight ?? 0n).toBe(0n); // "0-0": no height timeout
  expect(packetsFromEvents(events)).toHaveLength(2);
  const acks = acksFromEvents(events, "connection-0");
  expect(Array.from(acks[0].acknowledgement)).toEqual([1, 2]);
  expect(ibcDenom("transfer/channel-0/ucosm")).toBe(expectedVoucher("channel-0"));
});

test("link: clients track each other with ⅔-of-unbonding trusting period, connection and channel are open", async () => {
  const ids = linkIds(link);
  expect(ids.chainA).toBe(A.chainId);
  expect(ids.chainB).toBe(B.chainId);
  expect(ids.connA).toMatch(/^connection-\d+$/);
  expect(ids.clientA).toMatch(/^07-tendermint-\d+$/);
  const f = await clientFreshness(link);
  expect(f.A.status).toBe("Active");
  expect(f.B.status).toBe("Active");
  expect(f.A.trustingPeriodSec).toBe(Math.floor((B.unbondingSeconds * 2) / 3)); // 60 s for 90 s unbonding
  expect(f.B.trustingPeriodSec).toBe(Math.floor((A.unbondingSeconds * 2) / 3));
  expect(transfer.channelA).toMatch(/^channel-\d+$/);
  expect(transfer.channelB).toMatch(/^channel-\d+$/);
  expect(transfer.version).toBe("ics20-1");
});

test("(a) ICS-20 smoke: ucosm A→B arrives as ibc/<sha256(transfer/<chan-B>/ucosm)>, and goes back", async () => {
  const amount = 12_345n;
  const voucher = expectedVoucher(transfer.channelB);
  const escrow = escrowAddress(transfer.channelA, A.prefix);
  // The chain agrees on the escrow address and on the voucher's denom trace.
  const qa = await link.endA.client.query.queryAbci(
    "/ibc.applications.transfer.v1.Query/EscrowAddress",
    QueryEscrowAddressRequest.encode({ portId: "transfer", channelId: transfer.channelA }).finish(),
  );
  expect(QueryEscrowAddressResponse.decode(qa.value).escrowAddress).toBe(escrow);

  const [alice0, escrow0, bobV0] = await Promise.all([
    balance(A, alice, DENOM),
    balance(A, escrow, DENOM),
    balance(B, bob, voucher),
  ]);
  const aliceA = await signer(A, "alice");
  const t0 = Date.now();
  const sent = await sendTransfer(aliceA.client, alice, { channel: transfer.channelA, receiver: bob, amount: { denom: DENOM, amount: amount.toString() } });
  const r = await relayAll(link);
  const oneWay = Date.now() - t0;
  expect(r.packetsFromA).toBe(1);
  expect(r.acksFromB).toBe(1);
  expect(r.packetsFromB + r.acksFromA + r.timeoutsFromA + r.timeoutsFromB + r.deferred).toBe(0);
  expect(r.acks[0].originalPacket.sequence).toBe(sent.sequence);
  expect(JSON.parse(Buffer.from(r.acks[0].acknowledgement).toString())).toEqual({ result: "AQ==" });

  expect(await balance(A, alice, DENOM)).toBe(alice0 - amount); // fees are paid in ustake
  expect(await balance(A, escrow, DENOM)).toBe(escrow0 + amount);
  expect(await balance(B, bob, voucher)).toBe(bobV0 + amount);
  const hash = voucher.slice("ibc/".length);
  const qt = await link.endB.client.query.queryAbci(
    "/ibc.applications.transfer.v1.Query/DenomTrace",
    QueryDenomTraceRequest.encode({ hash }).finish(),
  );
  expect(QueryDenomTraceResponse.decode(qt.value).denomTrace).toEqual({ path: `transfer/${transfer.channelB}`, baseDenom: DENOM });

  // Back: the voucher is burnt on B, the escrow on A releases the original denom.
  const bobB = await signer(B, "bob");
  const t1 = Date.now();
  await sendTransfer(bobB.client, bob, { channel: transfer.channelB, receiver: alice, amount: { denom: voucher, amount: amount.toString() } });
  const back = await relayAll(link);
  const returnTrip = Date.now() - t1;
  expect(back.packetsFromB).toBe(1);
  expect(back.acksFromA).toBe(1);
  expect(await balance(B, bob, voucher)).toBe(bobV0);
  expect(await balance(A, alice, DENOM)).toBe(alice0);
  expect(await balance(A, escrow, DENOM)).toBe(escrow0);
  expect(escrow0).toBe(0n); // new channel: the escrow is empty again
  timings["transfer A→B + relayAll (packet+ack)"] = secs(oneWay);
  timings["transfer B→A + relayAll (packet+ack)"] = secs(returnTrip);
  timings["round trip A→B→A (both transfers)"] = secs(oneWay + returnTrip);
});

test("(a2) a backlog larger than maxPerTx goes out in several txs, and every ack comes back", async () => {
  const aliceA = await signer(A, "alice");
  const bobV0 = await balance(B, bob, expectedVoucher(transfer.channelB));
  for (let i = 0; i < 5; i++) {
    await sendTransfer(aliceA.client, alice, { channel: transfer.channelA, receiver: bob, amount: { denom: DENOM, amount: "10" } });
  }
  const h = await (await reader(B)).getHeight();
  const r = await relayAll(link, { maxPerTx: 2 });
  expect(r.packetsFromA).toBe(5);
  expect(r.acksFromB).toBe(5);
  const recvTxs = (await relayerTxGas(B, h)).filter((t) => t.messages.includes("MsgRecvPacket"));
  expect(recvTxs.map((t) => t.messages.filter((m) => m === "MsgRecvPacket").length)).toEqual([2, 2, 1]);
  expect(await balance(B, bob, expectedVoucher(transfer.channelB))).toBe(bobV0 + 50n);
});

test("(a3) wasmd's callbacks middleware calls a contract named in the memo: destination after the receive, source on the ack", async () => {
  // The SDK harness records each callback (what it decoded) under ("callback", kind, sequence); the in-process host's
  // tests (host-ibc.test.ts) expect the same records, so both implement the same messages.
  const wasm = fs.readFileSync(path.join(__dirname, "../../build/test-contracts/sdk-harness.wasm"));
  const deploy = async (cfg: ChainConfig) => {
    const admin = await signer(cfg, "admin");
    const { codeId } = await admin.client.upload(admin.address, wasm, admin.fee);
    return (await admin.client.instantiate(admin.address, codeId, {}, "sdk harness", admin.fee)).contractAddress;
  };
  const [ha, hb] = [await deploy(A), await deploy(B)];
  const records = async (cfg: ChainConfig, contract: string, kind: string) =>
    ((await (await reader(cfg)).queryContractSmart(contract, { range: { prefix: ["callback", kind] } })) as { entries: [string, string][] })
      .entries.map(([, v]) => JSON.parse(v));

  const aliceA = await signer(A, "alice");
  const memo = JSON.stringify({ dest_callback: { address: hb } });
  const sent = await sendTransfer(aliceA.client, alice, { channel: transfer.channelA, receiver: hb, amount: { denom: DENOM, amount: "25" }, memo });
  await relayAll(link);
  expect(await records(B, hb, "destination")).toEqual([{
    ack: '{"result":"AQ=="}', src: `transfer/${transfer.channelA}`, dest: `transfer/${transfer.channelB}`, sequence: Number(sent.sequence),
    data: `{"amount":"25","denom":"${DENOM}","memo":${JSON.stringify(memo)},"receiver":"${hb}","sender":"${alice}"}`, relayer: null,
  }]);
  expect(await balance(B, hb, expectedVoucher(transfer.channelB))).toBe(25n);

  // The harness on A sends a transfer naming itself as the source callback.
  const adminA = await signer(A, "admin");
  await adminA.client.sendTokens(adminA.address, ha, [{ denom: DENOM, amount: "100" }], adminA.fee);
  await adminA.client.execute(adminA.address, ha, { transfer: { channel: transfer.channelA, to: bob, denom: DENOM, amount: "40", memo: JSON.stringify({ src_callback: { address: ha } }) } }, adminA.fee);
  await relayAll(link);
  const [source] = await records(A, ha, "source");
  expect(source).toMatchObject({ ack: '{"result":"AQ=="}', src: `transfer/${transfer.channelA}`, dest: `transfer/${transfer.channelB}`, relayer: TEST_ACCOUNTS.relayer.address });
  expect(JSON.parse(source.data)).toMatchObject({ amount: "40", denom: DENOM, receiver: bob, sender: ha });
});

test("(b) timeout (one-shot relayAll): expired packet is timed out, sender refunded, nothing on B", async () => {
  const amount = 777n;
  const voucher = expectedVoucher(transfer.channelB);
  const escrow = escrowAddress(transfer.channelA, A.prefix);
  const [alice0, escrow0, bobV0] = await Promise.all([balance(A, alice, DENOM), balance(A, escrow, DENOM), balance(B, bob, voucher)]);
  const aliceA = await signer(A, "alice");
  const sent = await sendTransfer(aliceA.client, alice, {
    channel: transfer.channelA, receiver: bob, amount: { denom: DENOM, amount: amount.toString() }, timeoutInMs: 2500,
  });
  expect(await balance(A, alice, DENOM)).toBe(alice0 - amount);
  expect(await balance(A, escrow, DENOM)).toBe(escrow0 + amount);
  await waitChainTimePast(link, "B", sent.timeoutTimestampNs);

  const t0 = Date.now();
  const r = await relayAll(link);
  timings["relayAll delivering one timeout"] = secs(Date.now() - t0);
  expect(r.timeoutsFromA).toBe(1);
  expect(r.packetsFromA).toBe(0);
  expect(await balance(A, alice, DENOM)).toBe(alice0);
  expect(await balance(A, escrow, DENOM)).toBe(escrow0);
  expect(await balance(B, bob, voucher)).toBe(bobV0);
  // The commitment is gone on A and B never received it.
  await expect(link.endA.client.query.ibc.channel.packetCommitment("transfer", transfer.channelA, sent.sequence)).rejects.toThrow();
  const { sequences } = await link.endB.client.query.ibc.channel.unreceivedPackets("transfer", transfer.channelB, [Number(sent.sequence)]);
  expect(sequences.map(Number)).toEqual([Number(sent.sequence)]);
  // Nothing left to do.
  const again = await relayAll(link);
  expect(again.packetsFromA + again.acksFromB + again.timeoutsFromA + again.deferred).toBe(0);
});

test("(b2) relayAll defers a packet about to time out (< 2 s margin), then delivers its timeout", async () => {
  const voucher = expectedVoucher(transfer.channelB);
  const escrow = escrowAddress(transfer.channelA, A.prefix);
  const [alice0, escrow0, bobV0] = await Promise.all([balance(A, alice, DENOM), balance(A, escrow, DENOM), balance(B, bob, voucher)]);
  const aliceA = await signer(A, "alice");
  await sendTransfer(aliceA.client, alice, {
    channel: transfer.channelA, receiver: bob, amount: { denom: DENOM, amount: "31" }, timeoutInMs: 1500,
  });
  const t0 = Date.now();
  const r = await relayAll(link);
  timings["relayAll: defer near-timeout packet → timeout"] = secs(Date.now() - t0);
  expect(r.timeoutsFromA).toBe(1);
  expect(r.packetsFromA).toBe(0);
  expect(r.deferred).toBe(0);
  expect(await balance(A, alice, DENOM)).toBe(alice0);
  expect(await balance(A, escrow, DENOM)).toBe(escrow0);
  expect(await balance(B, bob, voucher)).toBe(bobV0);
});

test("(c) background Relayer relays packets and acks without explicit calls", async () => {
  relayer = new Relayer(link, { pollMs: 200 }).start();
  relayers.push(relayer);
  const voucher = expectedVoucher(transfer.channelB);
  const bobV0 = await balance(B, bob, voucher);
  const c0 = { ...relayer.counts };
  const aliceA = await signer(A, "alice");
  const t0 = Date.now();
  await sendTransfer(aliceA.client, alice, { channel: transfer.channelA, receiver: bob, amount: { denom: DENOM, amount: "42" } });
  const arrived = await waitUntil("voucher on B", async () => (await balance(B, bob, voucher)) === bobV0 + 42n, 30_000, 100);
  await relayer.waitFor((c) => c.acksFromB >= c0.acksFromB + 1, 30_000);
  timings["Relayer loop: tx committed → funds on B"] = secs(arrived);
  timings["Relayer loop: send → ack back on A"] = secs(Date.now() - t0);
  expect(relayer.counts.packetsFromA).toBe(c0.packetsFromA + 1);
  expect(relayer.counts.errors).toBe(0);
});

test("(d) relayer outage: pause → expired packet is timed out after resume, live packet delivered", async () => {
  const r = relayer!;
  const voucher = expectedVoucher(transfer.channelB);
  const escrow = escrowAddress(transfer.channelA, A.prefix);
  await r.pause();
  const c0 = { ...r.counts };
  const [alice0, escrow0, bobV0] = await Promise.all([balance(A, alice, DENOM), balance(A, escrow, DENOM), balance(B, bob, voucher)]);
  const aliceA = await signer(A, "alice");
  const short = await sendTransfer(aliceA.client, alice, {
    channel: transfer.channelA, receiver: bob, amount: { denom: DENOM, amount: "1000" }, timeoutInMs: 2500,
  });
  await sendTransfer(aliceA.client, alice, { channel: transfer.channelA, receiver: bob, amount: { denom: DENOM, amount: "7" } });
  await waitChainTimePast(link, "B", short.timeoutTimestampNs);
  // Nothing moved during the outage.
  expect(await balance(B, bob, voucher)).toBe(bobV0);
  expect(r.counts.rounds).toBe(c0.rounds);
  expect(await balance(A, escrow, DENOM)).toBe(escrow0 + 1007n);

  const t0 = Date.now();
  r.resume();
  await r.waitFor((c) => c.timeoutsFromA >= c0.timeoutsFromA + 1 && c.packetsFromA >= c0.packetsFromA + 1 && c.acksFromB >= c0.acksFromB + 1, 30_000);
  timings["Relayer resume → timeout + packet + ack done"] = secs(Date.now() - t0);
  expect(r.counts.timeoutsFromA).toBe(c0.timeoutsFromA + 1);
  expect(r.counts.packetsFromA).toBe(c0.packetsFromA + 1);
  expect(await balance(B, bob, voucher)).toBe(bobV0 + 7n);
  expect(await balance(A, alice, DENOM)).toBe(alice0 - 7n); // the 1000 were refunded
  expect(await balance(A, escrow, DENOM)).toBe(escrow0 + 7n);
});

test("(e) the Relayer logs errors and keeps going while chain B is down", async () => {
  const r = relayer!;
  const voucher = expectedVoucher(transfer.channelB);
  const bobV0 = await balance(B, bob, voucher);
  const c0 = { ...r.counts };
  await stopChain(B);
  const aliceA = await signer(A, "alice");
  await sendTransfer(aliceA.client, alice, { channel: transfer.channelA, receiver: bob, amount: { denom: DENOM, amount: "5" } });
  await r.waitFor((c) => c.errors >= c0.errors + 2, 30_000);
  expect(r.lastError).toBeDefined();
  const t0 = Date.now();
  await ensureChain(B, { leaseFor: process.pid });
  await r.waitFor((c) => c.packetsFromA >= c0.packetsFromA + 1 && c.acksFromB >= c0.acksFromB + 1, 60_000);
  timings["Relayer recovery after chain B restart"] = secs(Date.now() - t0);
  expect(await balance(B, bob, voucher)).toBe(bobV0 + 5n);
  await r.stop();
  expect(r.isRunning).toBe(false);
});

test("(f) packets sent from EndBlock (gov proposal executing a MsgTransfer) are found in finalize_block_events", async () => {
  const gov = toBech32(A.prefix, createHash("sha256").update("gov").digest().subarray(0, 20));
  const validator = await signer(A, "validator");
  const voucher = expectedVoucher(transfer.channelB);
  const bobV0 = await balance(B, bob, voucher);
  const gov0 = await balance(A, gov, DENOM);
  // Fixed gas: with "auto" (simulate × 1.4) the MsgVote ran out of gas (code 11) once.
  const govFee = calculateFee(500_000, validator.gasPrice);
  await validator.client.sendTokens(validator.address, gov, [{ denom: DENOM, amount: "100" }], validator.fee);
  const from = await link.endA.client.currentHeight();
  const transferMsg = MsgTransfer.fromPartial({
    sourcePort: "transfer", sourceChannel: transfer.channelA, token: { denom: DENOM, amount: "100" }, sender: gov, receiver: bob,
    timeoutTimestamp: BigInt(Date.now() + 600_000) * 1_000_000n,
  });
  const submit = await validator.client.signAndBroadcast(validator.address, [{
    typeUrl: "/cosmos.gov.v1.MsgSubmitProposal",
    value: MsgSubmitProposal.fromPartial({
      messages: [{ typeUrl: "/ibc.applications.transfer.v1.MsgTransfer", value: MsgTransfer.encode(transferMsg).finish() }],
      initialDeposit: [{ denom: A.denom, amount: A.govMinDeposit }],
      proposer: validator.address, metadata: "", title: "relay test", summary: "ICS-20 transfer from EndBlock",
    }),
  }], govFee);
  expect(submit.code).toBe(0);
  const id = submit.events.find((e) => e.type === "submit_proposal")?.attributes.find((a) => a.key === "proposal_id")?.value;
  expect(id).toBeDefined();
  const vote = await validator.client.signAndBroadcast(validator.address, [{
    typeUrl: "/cosmos.gov.v1.MsgVote",
    value: MsgVote.fromPartial({ proposalId: BigInt(id!), voter: validator.address, option: VoteOption.VOTE_OPTION_YES, metadata: "" }),
  }], govFee);
  expect(vote.code).toBe(0);
  // The proposal passes after the 4 s voting period; its MsgTransfer runs in EndBlock.
  await waitUntil("gov transfer executed", async () => (await balance(A, gov, DENOM)) === gov0, 30_000, 250);

  // The library's own Endpoint misses it (CosmJS 0.32 drops CometBFT 0.38 finalize_block_events) …
  const plain = new Endpoint(link.endA.client, link.endA.clientID, link.endA.connectionID);
  expect((await plain.querySentPackets({ minHeight: from })).length).toBe(0);
  // … the patched one (what our Links use) finds it.
  const found = await link.endA.querySentPackets({ minHeight: from });
  expect(found.map((p) => p.packet.sourceChannel)).toEqual([transfer.channelA]);

  const r = await relayAll(link);
  expect(r.packetsFromA).toBe(1);
  expect(r.acksFromB).toBe(1);
  expect(await balance(B, bob, voucher)).toBe(bobV0 + 100n);
}, 60_000);

test("light clients: expire after the trusting period without updates; the Relayer keeps them alive; devnet links are reused while usable", async () => {
  setLinksFile(path.join(tmpDir, "links.json"));
  // Short enough to wait out, long enough that a handshake on a loaded 2-core box (up to ~10 s,
  // every step refreshes the clients) does not outlive it.
  const trust = { trustPeriodA: 10, trustPeriodB: 10 };
  // A link kept alive by a Relayer (its own loop, signing as the "relayer" account) …
  const kept = await connectChains(A, B, trust);
  extraLinks.push(kept);
  const keeper = new Relayer(kept, { pollMs: 250 }).start();
  relayers.push(keeper);
  // … and a recorded devnet-style link with nobody updating it (signing as carol, so the two never race on one account).
  const first = await ensureLink(A, B, { ...trust, account: "carol" });
  extraLinks.push(first.link);
  expect(first.reused).toBe(false);
  const ch1 = await ensureTransferChannel(first.link);
  expect(ch1.reused).toBe(false);
  const second = await ensureLink(A, B, { ...trust, account: "carol" });
  extraLinks.push(second.link);
  expect(second.reused).toBe(true);
  expect(linkIds(second.link)).toEqual(linkIds(first.link));
  expect((await ensureTransferChannel(second.link)).channel).toEqual(ch1.channel);
  const saved = JSON.parse(fs.readFileSync(path.join(tmpDir, "links.json"), "utf8"));
  expect(saved.links[`${A.chainId}|${B.chainId}`].connA).toBe(linkIds(first.link).connA);

  await sleep(11_000); // > 10 s trusting period
  const idle = await clientFreshness(first.link);
  expect(idle.A.status).toBe("Expired");
  expect(idle.B.status).toBe("Expired");
  const alive = await clientFreshness(kept);
  expect(alive.A.status).toBe("Active");
  expect(alive.B.status).toBe("Active");
  expect(keeper.counts.clientUpdates).toBeGreaterThanOrEqual(4);
  await keeper.stop();

  const ids = linkIds(first.link);
  await expect(reuseLink(A, B, ids.connA, ids.connB, { account: "carol" })).rejects.toThrow(/Expired/);
  // An expired client even blocks sending: ibc-go refuses packets over it.
  const aliceA = await signer(A, "alice");
  await expect(
    sendTransfer(aliceA.client, alice, { channel: ch1.channel.channelA, receiver: bob, amount: { denom: DENOM, amount: "1" } }),
  ).rejects.toThrow(/Expired|not active/);
  const third = await ensureLink(A, B, { ...trust, account: "carol" });
  extraLinks.push(third.link);
  expect(third.reused).toBe(false);
  expect(linkIds(third.link).connA).not.toBe(ids.connA);
  expect(await clientStatus(third.link.endA.client, third.link.endA.clientID)).toBe("Active");
  setLinksFile(undefined);
}, 90_000);
