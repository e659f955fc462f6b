// `mesh crank`: the permissionless calls a mesh needs from somebody, for every consumer chain of the deployment, each
// block (or once): meta-staking's `process_unbonding` pushes due undelegation batches to x/staking and lets its
// ledger compare matured unbonding entries with what x/staking paid (a shortfall is a slash of that batch; it must be
// found within the provider's packet timeout after the entry matures, docs/slashing.md §1), each mesh-consumer's
// `check_validator` sends its provider the slash events it has not been sent, and, every `--distribute-every`
// seconds (default 600; 0: never), each mesh-consumer's `distribute_rewards` sends its provider the rewards
// (docs/rewards.md §2), and every `--revalue-every` seconds (default 600; 0: never) each mesh-consumer's `revalue`
// moves its delegations to the current price and power rules and sends a changed validator set
// (docs/economics.md §2–5; every page, so all consumers of a chain are scaled together).
import { MeshConsumerQueryMsgBuilder, MeshConsumerExecuteMsgBuilder } from "../contracts/MeshConsumer.message-builder";
import type * as MeshConsumer from "../contracts/MeshConsumer.types";
import { MetaStakingExecuteMsgBuilder, MetaStakingQueryMsgBuilder } from "../contracts/MetaStaking.message-builder";
import type * as MetaStaking from "../contracts/MetaStaking.types";
import { ChainSession } from "../deploy/session";
import { positiveInt, value, ParsedArgs } from "./args";
import { CliContext } from "./context";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface ConsumerSide {
  chainId: string;
  metaStaking: string;
  meshConsumers: string[];
}

/** The consumer chains of the deployment with their meta-staking and mesh-consumer contracts. */
function consumerSides(ctx: CliContext): ConsumerSide[] {
  const byChain = new Map<string, ConsumerSide>();
  for (const l of ctx.config.mesh) {
    const metaStaking = ctx.record.data.chains[l.consumer]?.meta_staking;
    const meshConsumer = ctx.record.data.links[`${l.provider}->${l.consumer}`]?.mesh_consumer;
    if (!metaStaking || !meshConsumer) continue;
    const side = byChain.get(l.consumer) ?? { chainId: l.consumer, metaStaking, meshConsumers: [] };
    side.meshConsumers.push(meshConsumer);
    byChain.set(l.consumer, side);
  }
  return [...byChain.values()];
}

/** distribute_rewards on every mesh-consumer of the chain that has rewards configured; "nothing to distribute" is fine. */
async function distributeAll(s: ChainSession, side: ConsumerSide): Promise<string[]> {
  const done: string[] = [];
  for (const consumer of side.meshConsumers) {
    const config = await s.client.queryContractSmart(consumer, MeshConsumerQueryMsgBuilder.config()) as MeshConsumer.ConfigResponse;
    if (!config.rewards) continue;
    try {
      const res = await s.client.execute(s.address, consumer, MeshConsumerExecuteMsgBuilder.distributeRewards({}), s.fee);
      const rounds = res.events.flatMap((e) => e.attributes).filter((a) => a.key === "round").map((a) => a.value);
      done.push(`${side.chainId} ${consumer} distribute_rewards: ${rounds.length ? rounds.join(", ") : "commission only"}`);
    } catch (e) {
      if (!/Nothing to distribute/.test((e as Error).message)) throw e;
      done.push(`${side.chainId} ${consumer} distribute_rewards: nothing to distribute`);
    }
  }
  return done;
}

/** revalue on every mesh-consumer of the chain, every page; a stale price is reported, not fatal (nothing changes). */
async function revalueAll(s: ChainSession, side: ConsumerSide): Promise<string[]> {
  const done: string[] = [];
  for (const consumer of side.meshConsumers) {
    let startAfter: string | undefined;
    for (;;) {
      let attrs: { key: string; value: string }[];
      try {
        const res = await s.client.execute(s.address, consumer, MeshConsumerExecuteMsgBuilder.revalue({ startAfter }), s.fee);
        attrs = res.events.flatMap((e) => e.attributes);
      } catch (e) {
        if (!/Price unavailable/.test((e as Error).message)) throw e;
        done.push(`${side.chainId} ${consumer} revalue: price unavailable, nothing changed`);
        break;
      }
      const a = (key: string) => attrs.find((x) => x.key === key)?.value ?? "0";
      const set = attrs.find((x) => x.key === "validator_set_sent");
      done.push(`${side.chainId} ${consumer} revalue: price ${a("price")}, factor ${a("factor")}, ${a("validators")} validator(s), ` +
        `+${a("delegated")} -${a("undelegated")}${set ? `, validator set ${set.value} sent` : ""}`);
      const next = attrs.find((x) => x.key === "next_start_after")?.value;
      if (!next) break;
      startAfter = next;
    }
  }
  return done;
}

/** One round on one consumer chain; returns what it did, for the log. */
async function crankOnce(s: ChainSession, side: ConsumerSide): Promise<string[]> {
  const done: string[] = [];
  // Every page of the queue (the crank also reconciles the ledger, whatever the queue holds).
  let startAfter: string | undefined;
  for (;;) {
    const res = await s.client.execute(s.address, side.metaStaking, MetaStakingExecuteMsgBuilder.processUnbonding({ startAfter, limit: 30 }), s.fee);
    const attrs = res.events.flatMap((e) => e.attributes);
    const flushed = attrs.find((a) => a.key === "flushed")?.value ?? "0";
    const shortfall = attrs.find((a) => a.key === "unbonding_shortfall")?.value;
    done.push(`${side.chainId} meta-staking process_unbonding: ${flushed} batch(es) undelegated${shortfall ? `, unbonding shortfall ${shortfall} recorded as slash events` : ""}`);
    const next = attrs.find((a) => a.key === "next_start_after")?.value;
    if (!next) break;
    startAfter = next;
  }
  for (const consumer of side.meshConsumers) {
    const records: MeshConsumer.RecordResponse[] = [];
    for (let after: string | undefined; ;) {
      const page = await s.client.queryContractSmart(consumer, MeshConsumerQueryMsgBuilder.records({ startAfter: after, limit: 30 })) as MeshConsumer.RecordsResponse;
      records.push(...page.records);
      if (page.records.length < 30) break;
      after = page.records[page.records.length - 1].validator;
    }
    for (const r of records) {
      const events = await s.client.queryContractSmart(side.metaStaking,
        MetaStakingQueryMsgBuilder.slashEvents({ validator: r.validator, startAfter: r.forwarded_seq, limit: 1 })) as MetaStaking.SlashEventsResponse;
      // No stored event waits: check only if meta-staking sees a slash it has not recorded yet.
      if (events.events.length === 0) {
        const view = await s.client.queryContractSmart(side.metaStaking,
          MetaStakingQueryMsgBuilder.delegation({ consumer, validator: r.validator })) as MetaStaking.DelegationResponse;
        if (view.slash_seq <= r.forwarded_seq) continue;
      }
      await s.client.execute(s.address, consumer, MeshConsumerExecuteMsgBuilder.checkValidator({ validator: r.validator }), s.fee);
      done.push(`${side.chainId} ${consumer} check_validator ${r.validator}: slash events after ${r.forwarded_seq} sent`);
    }
  }
  return done;
}

export async function crank(ctx: CliContext, args: ParsedArgs, stopSignal: Promise<void>): Promise<void> {
  const pollMs = positiveInt(value(args, "poll") ?? "1000", "--poll");
  const distributeEvery = value(args, "distribute-every") ?? "600";
  if (!/^\d+$/.test(distributeEvery)) throw new Error(`--distribute-every must be a number of seconds (0: never), got "${distributeEvery}"`);
  const distributeMs = Number(distributeEvery) * 1000;
  const revalueEvery = value(args, "revalue-every") ?? "600";
  if (!/^\d+$/.test(revalueEvery)) throw new Error(`--revalue-every must be a number of seconds (0: never), got "${revalueEvery}"`);
  const revalueMs = Number(revalueEvery) * 1000;
  let lastDistribution = 0;
  let lastRevalue = 0;
  const sides = consumerSides(ctx);
  if (sides.length === 0) {
    ctx.log("no consumer chain with meta-staking and mesh-consumer in the deployment: nothing to crank");
    return;
  }
  let stopped = false;
  void stopSignal.then(() => { stopped = true; });
  do {
    const distribute = distributeMs > 0 && Date.now() - lastDistribution >= distributeMs;
    if (distribute) lastDistribution = Date.now();
    const revalue = revalueMs > 0 && Date.now() - lastRevalue >= revalueMs;
    if (revalue) lastRevalue = Date.now();
    for (const side of sides) {
      const s = await ctx.sessions.get(side.chainId);
      try {
        for (const line of await crankOnce(s, side)) ctx.log(line);
        if (distribute) for (const line of await distributeAll(s, side)) ctx.log(line);
        if (revalue) for (const line of await revalueAll(s, side)) ctx.log(line);
      } catch (e) {
        if (args.switches.has("once")) throw e;
        ctx.log(`${side.chainId}: crank failed, retrying next round: ${(e as Error).message.split("\n")[0]}`);
      }
    }
    if (args.switches.has("once")) return;
    await Promise.race([sleep(pollMs), stopSignal]);
  } while (!stopped);
}
