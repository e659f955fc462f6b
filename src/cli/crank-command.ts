// `mesh crank`: the permissionless calls a mesh needs from somebody, for every consumer chain of the deployment, each
// block (or once): meta-staking's `process_unbonding` pushes due undelegation batches to x/staking and lets its
// ledger compare matured unbonding entries with what x/staking paid (a shortfall is a slash of that batch; it must be
// found within the provider's packet timeout after the entry matures, docs/slashing.md §1), each mesh-consumer's
// `check_validator` sends its provider the slash events it has not been sent, and, every `--distribute-every`
// seconds (default 600; 0: never), each mesh-consumer's `distribute_rewards` sends its provider the rewards
// (docs/rewards.md §2), and every `--revalue-every` seconds (default 600; 0: never) each mesh-consumer's `revalue`
// moves its delegations to the current price and power rules and sends a changed validator set
// (docs/economics.md §2–5; every page, so all consumers of a chain are scaled together). On a chain with local
// staking (docs/local-staking.md), its own meta-staking's `process_unbonding` each round, and local-staking's
// `collect_rewards` every `--distribute-every` seconds.
import { MeshConsumerQueryMsgBuilder, MeshConsumerExecuteMsgBuilder } from "../contracts/MeshConsumer.message-builder";
import type * as MeshConsumer from "../contracts/MeshConsumer.types";
import { MetaStakingExecuteMsgBuilder, MetaStakingQueryMsgBuilder } from "../contracts/MetaStaking.message-builder";
import type * as MetaStaking from "../contracts/MetaStaking.types";
import { LocalStakingExecuteMsgBuilder } from "../contracts/LocalStaking.message-builder";
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

interface LocalSide {
  chainId: string;
  metaStaking: string;
  localStaking: string;
}

/** The chains of the deployment with local staking: its meta-staking instance and the local-staking contract. */
function localSides(ctx: CliContext): LocalSide[] {
  return Object.entries(ctx.record.data.chains).flatMap(([chainId, cr]) =>
    cr.local_staking && cr.local_meta_staking ? [{ chainId, metaStaking: cr.local_meta_staking, localStaking: cr.local_staking }] : []);
}

/** Every page of a meta-staking's queue: due batches to x/staking, and the ledger's reconciliation. */
async function processUnbonding(s: ChainSession, chainId: string, metaStaking: string, what: string): Promise<string[]> {
  const done: string[] = [];
  let startAfter: string | undefined;
  for (;;) {
    const res = await s.client.execute(s.address, metaStaking, MetaStakingExecuteMsgBuilder.processUnbonding({ startAfter, limit: 30 }), s.fee);
    const attrs = res.events.flatMap((e) => e.attributes);
    const flushed = attrs.find((a) => a.key === "flushed")?.value ?? "0";
    const shortfall = attrs.find((a) => a.key === "unbonding_shortfall")?.value;
    done.push(`${chainId} ${what} process_unbonding: ${flushed} batch(es) undelegated${shortfall ? `, unbonding shortfall ${shortfall} recorded as slash events` : ""}`);
    const next = attrs.find((a) => a.key === "next_start_after")?.value;
    if (!next) break;
    startAfter = next;
  }
  return done;
}

/** One round of local staking: its meta-staking's queue, and (when due) a reward collection. */
async function crankLocal(s: ChainSession, side: LocalSide, collect: boolean): Promise<string[]> {
  const done = await processUnbonding(s, side.chainId, side.metaStaking, "local meta-staking");
  if (collect) {
    const res = await s.client.execute(s.address, side.localStaking, LocalStakingExecuteMsgBuilder.collectRewards({}), s.fee);
    const mine = res.events.filter((e) => e.type === "wasm" && e.attributes.some((a) => a.key === "_contract_address" && a.value === side.localStaking));
    const credited = mine.flatMap((e) => e.attributes).filter((a) => a.key === "validator").length;
    done.push(`${side.chainId} local-staking collect_rewards: ${credited} validator reward(s) credited`);
  }
  return done;
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
  // Every page of the queue (the crank also reconciles the ledger, whatever the queue holds).
  const done = await processUnbonding(s, side.chainId, side.metaStaking, "meta-staking");
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
  const locals = localSides(ctx);
  if (sides.length === 0 && locals.length === 0) {
    ctx.log("no consumer chain with meta-staking and mesh-consumer, and no local staking, in the deployment: nothing to crank");
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
    for (const side of locals) {
      const s = await ctx.sessions.get(side.chainId);
      try {
        for (const line of await crankLocal(s, side, distribute)) ctx.log(line);
      } catch (e) {
        if (args.switches.has("once")) throw e;
        ctx.log(`${side.chainId}: local staking crank failed, retrying next round: ${(e as Error).message.split("\n")[0]}`);
      }
    }
    if (args.switches.has("once")) return;
    await Promise.race([sleep(pollMs), stopSignal]);
  } while (!stopped);
}
