// Stateful property test of cross-staking on two in-process chains: random users, amounts and operations (bond,
// grant to the provider, unstake, withdraw, unbond) interleaved with an adversarial relayer (random delivery
// order, outages, packets left to time out) and time passing. Checked after every step:
//   ILP: max(claims) ≤ bonded per account; the ILP holds Σ bonded
//   provider: each owner's ILP claim = Σ staked + pending + unbonding (nothing released early, nothing stranded)
//   once nothing is in flight: provider staked per validator = consumer's provider amount, and the consumer's
//     local amount = meta-staking's accounting = the x/staking delegation
//   no tokens created on either chain (supply constant)
// Seeded: MESH_PROPERTY_SEED / MESH_PROPERTY_RUNS change seed and budget; a failure prints the shrunk sequence.
import fc from "fast-check";
import { HostScenarioNetwork } from "../../src/scenario/host-backend";
import { MeshDeployment, deployMesh } from "../../src/scenario/scenarios/mesh";
import { HostScenarioLink } from "../../src/scenario/host-backend";
import { IlpAccountResponse, ilpMsg, ilpQuery } from "../../src/client/ilp";
import { ConsumerRecord, ProviderStake, consumerQuery, providerMsg, providerQuery } from "../../src/client/mesh";
import { meshCodes } from "../helpers/artifacts";
import { checkIlpInvariants } from "../helpers/ilp";

const RUNS = Number(process.env.MESH_PROPERTY_RUNS ?? 25);
const SEED = Number(process.env.MESH_PROPERTY_SEED ?? 4242);
const USERS = ["alice", "bob"] as const;
const UNBONDING = 140;
const TIMEOUT = 30;

type Op =
  | { kind: "stake"; user: number; amount: number }
  | { kind: "unstake"; user: number; amount: number }
  | { kind: "withdraw"; user: number }
  | { kind: "unbond"; user: number; amount: number }
  | { kind: "relay_random"; seed: number }
  | { kind: "relay_one"; index: number }
  | { kind: "outage_on" }
  | { kind: "outage_off" }
  | { kind: "wait"; seconds: number };

const user = fc.integer({ min: 0, max: USERS.length - 1 });
const amount = fc.integer({ min: 0, max: 3000 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("stake" as const), user, amount }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("unstake" as const), user, amount }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("withdraw" as const), user }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("unbond" as const), user, amount }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("relay_random" as const), seed: fc.integer() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("relay_one" as const), index: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.constant({ kind: "outage_on" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "outage_off" as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("wait" as const), seconds: fc.constantFrom(5, 31, 60, 126) }) },
);

function mulberry32(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r ^= r + Math.imul(r ^ (r >>> 7), 61 | r);
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

async function checkInvariants(d: MeshDeployment, link: HostScenarioLink, supplies: [bigint, bigint]): Promise<void> {
  const a = (d.provider as any).host;
  const b = (d.consumer as any).host;
  checkIlpInvariants(a, d.ilp, "ustake");
  const validator = b.valoper("validator");
  for (const u of USERS) {
    const owner = d.provider.address(u);
    const account = await d.provider.query<IlpAccountResponse>(d.ilp, ilpQuery.account(owner));
    const claim = BigInt(account.claims.find((c) => c.lienholder === d.meshProvider)?.amount ?? "0");
    const s = await d.provider.query<ProviderStake>(d.meshProvider, providerQuery.stake(owner, validator));
    const unbonding = (await d.provider.query<{ unbonding: { amount: string }[] }>(d.meshProvider, providerQuery.unbonding(owner)))
      .unbonding.reduce((sum, e) => sum + BigInt(e.amount), 0n);
    expect(BigInt(s.staked) + BigInt(s.pending_stake) + BigInt(s.pending_unstake) + unbonding).toBe(claim);
  }
  const pending = link.relayer.pending();
  const quiet = pending.packets.length + pending.acks.length + pending.awaitingAck.length + pending.timeouts.length === 0;
  if (quiet) {
    const total = await d.provider.query<ProviderStake>(d.meshProvider, providerQuery.validatorTotal(validator));
    if (total.pending_stake === "0" && total.pending_unstake === "0") {
      const record = await d.consumer.query<ConsumerRecord>(d.meshConsumer, consumerQuery.record(validator));
      expect(record.provider_amount).toBe(total.staked);
      const meta = await d.consumer.query<{ delegated: string; on_chain: string }>(d.metaStaking, { validator: { validator } });
      expect(meta.delegated).toBe(record.local_amount);
      expect(meta.on_chain).toBe(record.local_amount);
    }
  }
  expect(a.supply("ustake")).toBe(supplies[0]);
  expect(b.supply("ustake")).toBe(supplies[1]);
}

async function run(ops: Op[]): Promise<void> {
  const net = new HostScenarioNetwork(["mesh-a", "mesh-b"]);
  const link = await net.link("mesh-a", "mesh-b");
  const d = await deployMesh(net, "mesh-a", "mesh-b", meshCodes(), { consumerUnbondingSeconds: 90, unbondingPeriodSeconds: UNBONDING, packetTimeoutSeconds: TIMEOUT, rate: "1.5", discount: "0.1", metaStakingFunds: 10_000_000n, allowance: 20_000n }, link);
  const a = net.chain("mesh-a");
  const b = net.chain("mesh-b");
  const validator = b.host.valoper("validator");
  const supplies: [bigint, bigint] = [a.host.supply("ustake"), b.host.supply("ustake")];
  for (const o of ops) {
    switch (o.kind) {
      case "stake": {
        const who = USERS[o.user];
        const bond = await a.execute(who, d.ilp, ilpMsg.bond(), o.amount > 0 ? [{ denom: "ustake", amount: String(o.amount) }] : []);
        if (bond.ok) await a.execute(who, d.ilp, ilpMsg.grantClaim(d.meshProvider, BigInt(o.amount), validator));
        break;
      }
      case "unstake": await a.execute(USERS[o.user], d.meshProvider, providerMsg.unstake(validator, BigInt(o.amount))); break;
      case "withdraw": await a.execute(USERS[o.user], d.meshProvider, providerMsg.withdrawUnbonded()); break;
      case "unbond": await a.execute(USERS[o.user], d.ilp, ilpMsg.unbond(BigInt(o.amount))); break;
      case "relay_random": {
        const r = link.relayer.relayRandom(mulberry32(o.seed), { timeouts: true });
        // Contracts must never make a relay transaction fail.
        expect(r.results.filter((x) => !x.ok)).toEqual([]);
        break;
      }
      case "relay_one": {
        const p = link.relayer.pending();
        const items = [...p.packets, ...p.acks];
        if (items.length > 0) expect(link.relayer.deliverItem(items[o.index % items.length]).ok).toBe(true);
        break;
      }
      case "outage_on": link.relayer.hold(); break;
      case "outage_off": link.relayer.release(); break;
      case "wait": await a.wait(o.seconds); break;
    }
    await checkInvariants(d, link, supplies);
  }
  // Finally the relayer comes back and everything settles: the books must match exactly.
  link.relayer.release();
  await a.wait(TIMEOUT + 1);
  expect(link.relayer.relayAll({ timeouts: true }).results.filter((x) => !x.ok)).toEqual([]);
  await checkInvariants(d, link, supplies);
}

it(`cross-staking keeps its invariants under random operations and relayer adversity (${RUNS} runs, seed ${SEED})`, async () => {
  await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 30 }), (ops) => run(ops)), {
    numRuns: RUNS, seed: SEED, verbose: 1,
  });
}, 300_000);
