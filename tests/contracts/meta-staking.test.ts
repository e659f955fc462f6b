// meta-staking, compiled, on the in-process host: the exact JSON of every query response, and every error of its
// catalogue (and the common ones it uses) through the real entry points. Accounts stand in for consumer contracts:
// meta-staking only knows consumers by the allowance governance gave them.
import { commonErrors, metaStakingErrors } from "../../src/contracts/errors";
import { MetaStakingExecuteMsgBuilder, MetaStakingQueryMsgBuilder } from "../../src/contracts/MetaStaking.message-builder";
import type * as MetaStaking from "../../src/contracts/MetaStaking.types";
import { HostScenarioChain, HostScenarioNetwork } from "../../src/scenario/host-backend";
import { TxOutcome } from "../../src/scenario/types";
import { artifact } from "../helpers/artifacts";
import { ok } from "../helpers/mesh";

const FUNDS = 10_000n;
const errorOf = (r: TxOutcome) => (r.ok ? "" : r.error);

interface Setup {
  b: HostScenarioChain;
  code: number;
  meta: string;
  validator: string;
  /** a registered consumer (allowance 1000) */
  alice: string;
}

async function setup(): Promise<Setup> {
  const b = new HostScenarioNetwork(["mesh-b"]).chain("mesh-b");
  const code = await b.upload("admin", artifact("meta-staking"));
  const meta = await b.instantiate("admin", code, { unbonding_period_seconds: 90 } satisfies MetaStaking.InstantiateMsg, "meta", [{ denom: b.denom, amount: FUNDS.toString() }]);
  await ok(b.execute("admin", meta, MetaStakingExecuteMsgBuilder.setAllowance({ consumer: b.address("alice"), amount: "1000" })));
  return { b, code, meta, validator: b.host.valoper("validator"), alice: b.address("alice") };
}

const raw = (s: Setup, msg: unknown) => s.b.host.queryRawResponse(s.meta, msg);

describe("queries: exact JSON", () => {
  it("config", async () => {
    const s = await setup();
    expect(raw(s, MetaStakingQueryMsgBuilder.config())).toBe(
      `{"admin":"${s.b.address("admin")}","denom":"${s.b.denom}","unbonding_period_seconds":90,"max_unbonding_entries":7,"unbonding_epoch_seconds":15}`);
  });

  it("consumer and all_consumers, paged in address order", async () => {
    const s = await setup();
    const bob = s.b.address("bob");
    await ok(s.b.execute("admin", s.meta, MetaStakingExecuteMsgBuilder.setAllowance({ consumer: bob, amount: "50" })));
    const second = s.b.host.addValidator("validator2", 2_000_000n);
    await ok(s.b.execute("alice", s.meta, MetaStakingExecuteMsgBuilder.delegate({ validator: s.validator, amount: "300" })));
    await ok(s.b.execute("alice", s.meta, MetaStakingExecuteMsgBuilder.delegate({ validator: second, amount: "200" })));
    const [v1, v2] = [s.validator, second].sort();
    const alice = `{"address":"${s.alice}","allowance":"1000","delegated":"500","delegations":[` +
      `{"validator":"${v1}","amount":"${v1 === s.validator ? 300 : 200}"},{"validator":"${v2}","amount":"${v2 === s.validator ? 300 : 200}"}]}`;
    const bobJson = `{"address":"${bob}","allowance":"50","delegated":"0","delegations":[]}`;
    expect(raw(s, MetaStakingQueryMsgBuilder.consumer({ address: s.alice }))).toBe(alice);
    expect(raw(s, MetaStakingQueryMsgBuilder.consumer({ address: bob }))).toBe(bobJson);
    const [first, last] = s.alice < bob ? [alice, bobJson] : [bobJson, alice];
    const firstAddress = s.alice < bob ? s.alice : bob;
    expect(raw(s, MetaStakingQueryMsgBuilder.allConsumers({}))).toBe(`{"consumers":[${first},${last}]}`);
    expect(raw(s, MetaStakingQueryMsgBuilder.allConsumers({ limit: 1 }))).toBe(`{"consumers":[${first}]}`);
    expect(raw(s, MetaStakingQueryMsgBuilder.allConsumers({ startAfter: firstAddress, limit: 100 }))).toBe(`{"consumers":[${last}]}`);
    expect(raw(s, MetaStakingQueryMsgBuilder.allConsumers({ limit: 0 }))).toBe(`{"consumers":[]}`);
  });

  it("validator and unbonding_queue: booked, queued, on chain, and when the next batch may run", async () => {
    const s = await setup();
    expect(raw(s, MetaStakingQueryMsgBuilder.validator({ validator: s.validator }))).toBe(`{"validator":"${s.validator}","delegated":"0","queued":"0","on_chain":"0","shares":"0","slash_seq":0,"cumulative":"1","batch":1}`);
    expect(raw(s, MetaStakingQueryMsgBuilder.unbondingQueue({}))).toBe(`{"queue":[]}`);
    await ok(s.b.execute("alice", s.meta, MetaStakingExecuteMsgBuilder.delegate({ validator: s.validator, amount: "500" })));
    await ok(s.b.execute("alice", s.meta, MetaStakingExecuteMsgBuilder.undelegate({ validator: s.validator, amount: "100" }))); // the first batch runs at once
    const batchAt = BigInt(await s.b.now()) + 15n * 1_000_000_000n;
    await ok(s.b.execute("alice", s.meta, MetaStakingExecuteMsgBuilder.undelegate({ validator: s.validator, amount: "40" }))); // queued for the next epoch
    expect(raw(s, MetaStakingQueryMsgBuilder.validator({ validator: s.validator }))).toBe(`{"validator":"${s.validator}","delegated":"360","queued":"40","on_chain":"400","shares":"360","slash_seq":0,"cumulative":"1","batch":2}`);
    const queue = raw(s, MetaStakingQueryMsgBuilder.unbondingQueue({}));
    expect(queue).toMatch(new RegExp(`^\\{"queue":\\[\\{"validator":"${s.validator}","queued":"40","batch_at":"\\d+"\\}\\]\\}$`));
    // batch_at is a Uint64 (a decimal string of nanoseconds): one epoch after the first batch
    const at = BigInt(JSON.parse(queue).queue[0].batch_at);
    expect(at > 0n && at <= batchAt).toBe(true);
    expect(raw(s, MetaStakingQueryMsgBuilder.unbondingQueue({ startAfter: s.validator }))).toBe(`{"queue":[]}`);
  });

  it("an unknown query lists the queries; consumer refuses an unregistered or invalid address", async () => {
    const s = await setup();
    await expect(s.b.query(s.meta, { nope: {} })).rejects.toThrow(
      `${commonErrors.unknownVariant}: query 'nope'; expected one of: all_consumers, validator, unbonding_queue, maturing, config, consumer, delegation, slash_events, rewards, unbonding_batch, power, reward_totals`);
    const bob = s.b.address("bob");
    await expect(s.b.query(s.meta, MetaStakingQueryMsgBuilder.consumer({ address: bob }))).rejects.toThrow(`${metaStakingErrors.consumerNotFound}: ${bob}`);
    await expect(s.b.query(s.meta, MetaStakingQueryMsgBuilder.consumer({ address: "" }))).rejects.toThrow(`${commonErrors.invalidAddress}: address is empty`);
  });
});

describe("instantiate and migrate", () => {
  it("refuses a bad max_unbonding_entries, a zero unbonding period, and funds in another denom", async () => {
    const s = await setup();
    const inst = (msg: Record<string, unknown>, funds?: { denom: string; amount: string }[]) =>
      s.b.instantiate("admin", s.code, { unbonding_period_seconds: 90, ...msg }, "m", funds);
    for (const n of [1, 1001]) {
      await expect(inst({ max_unbonding_entries: n })).rejects.toThrow(
        `${metaStakingErrors.invalidMaxUnbondingEntries}: must be between 2 and 1000 (x/staking's max_entries), got ${n}`);
    }
    await expect(inst({ unbonding_period_seconds: 0 })).rejects.toThrow(`${commonErrors.invalidDuration}: unbonding_period_seconds must be at least 1 s, got 0`);
    await expect(inst({}, [{ denom: s.b.extraDenom, amount: "5" }])).rejects.toThrow(
      `${commonErrors.wrongDenom} '${s.b.denom}' to this message, got '${s.b.extraDenom}'`);
    const fresh = await inst({ max_unbonding_entries: 4, admin: s.b.address("carol") });
    expect(await s.b.query(fresh, MetaStakingQueryMsgBuilder.config())).toMatchObject({ admin: s.b.address("carol"), max_unbonding_entries: 4, unbonding_epoch_seconds: 30 });
  });

  it("migrate updates the batching rules; absent or null keeps a value; bad values, 0 included, are refused", async () => {
    const s = await setup();
    const migrate = (msg: unknown) => s.b.migrate("admin", s.meta, s.code, msg);
    expect(errorOf(await migrate({ max_unbonding_entries: 1 })))
      .toBe(`${metaStakingErrors.invalidMaxUnbondingEntries}: must be between 2 and 1000 (x/staking's max_entries), got 1`);
    expect(errorOf(await migrate({ unbonding_period_seconds: 315360001 })))
      .toBe(`${commonErrors.invalidDuration}: unbonding_period_seconds 315360001 s is more than the maximum of 315360000 s (10 years)`);
    expect(errorOf(await migrate({ extra: 1 }))).toBe("migrate.extra: unknown field");
    await ok(migrate({ unbonding_period_seconds: 120, max_unbonding_entries: 5 }));
    expect(await s.b.query(s.meta, MetaStakingQueryMsgBuilder.config())).toMatchObject({ unbonding_period_seconds: 120, max_unbonding_entries: 5, unbonding_epoch_seconds: 30 });
    expect(errorOf(await migrate({ unbonding_period_seconds: 0 })))
      .toBe(`${commonErrors.invalidDuration}: unbonding_period_seconds must be at least 1 s, got 0`);
    expect(errorOf(await migrate({ max_unbonding_entries: 0 })))
      .toBe(`${metaStakingErrors.invalidMaxUnbondingEntries}: must be between 2 and 1000 (x/staking's max_entries), got 0`);
    await ok(migrate({ unbonding_period_seconds: null, max_unbonding_entries: null }));
    await ok(migrate({}));
    expect(await s.b.query(s.meta, MetaStakingQueryMsgBuilder.config())).toMatchObject({ unbonding_period_seconds: 120, max_unbonding_entries: 5 });
  });
});

describe("process_unbonding", () => {
  it("a page of 0 scans nothing; a full page names where the next one starts", async () => {
    const s = await setup();
    await ok(s.b.execute("alice", s.meta, MetaStakingExecuteMsgBuilder.delegate({ validator: s.validator, amount: "500" })));
    await ok(s.b.execute("alice", s.meta, MetaStakingExecuteMsgBuilder.undelegate({ validator: s.validator, amount: "100" })));
    await ok(s.b.execute("alice", s.meta, MetaStakingExecuteMsgBuilder.undelegate({ validator: s.validator, amount: "40" })));
    const attrs = (r: TxOutcome) => (r.ok ? r.events.filter((e) => e.type === "wasm").flatMap((e) => e.attributes.map((a) => [a.key, a.value])) : []);
    const none = await s.b.execute("carol", s.meta, MetaStakingExecuteMsgBuilder.processUnbonding({ limit: 0 }));
    expect(errorOf(none)).toBe("");
    expect(attrs(none).filter(([k]) => k !== "_contract_address")).toEqual([["action", "process_unbonding"], ["scanned", "0"], ["flushed", "0"]]);
    await s.b.wait(15);
    const one = await s.b.execute("carol", s.meta, MetaStakingExecuteMsgBuilder.processUnbonding({ limit: 1 }));
    expect(attrs(one)).toEqual(expect.arrayContaining([["batch_undelegated", "40"], ["scanned", "1"], ["flushed", "1"], ["next_start_after", s.validator]]));
    expect(raw(s, MetaStakingQueryMsgBuilder.validator({ validator: s.validator }))).toBe(`{"validator":"${s.validator}","delegated":"360","queued":"0","on_chain":"360","shares":"360","slash_seq":0,"cumulative":"1","batch":3}`);
  });
});

describe("execute errors", () => {
  it("delegate and undelegate only from registered consumers, never with zero", async () => {
    const s = await setup();
    const bob = s.b.address("bob");
    expect(errorOf(await s.b.execute("bob", s.meta, MetaStakingExecuteMsgBuilder.delegate({ validator: s.validator, amount: "5" }))))
      .toBe(`${metaStakingErrors.unauthorizedConsumer}: ${bob} is not a registered consumer`);
    expect(errorOf(await s.b.execute("bob", s.meta, MetaStakingExecuteMsgBuilder.undelegate({ validator: s.validator, amount: "5" }))))
      .toBe(`${metaStakingErrors.unauthorizedConsumer}: ${bob} is not a registered consumer`);
    expect(errorOf(await s.b.execute("alice", s.meta, MetaStakingExecuteMsgBuilder.delegate({ validator: s.validator, amount: "0" })))).toBe(`${commonErrors.zeroAmount}: delegate must be greater than zero`);
    expect(errorOf(await s.b.execute("alice", s.meta, MetaStakingExecuteMsgBuilder.undelegate({ validator: s.validator, amount: "0" })))).toBe(`${commonErrors.zeroAmount}: undelegate must be greater than zero`);
    expect(errorOf(await s.b.execute("alice", s.meta, MetaStakingExecuteMsgBuilder.delegate({ validator: s.validator, amount: "5" }), [{ denom: s.b.denom, amount: "1" }]))).toBe(commonErrors.fundsNotAccepted);
  });

  it("delegate: within the allowance, to an active validator, from liquid funds", async () => {
    const s = await setup();
    await ok(s.b.execute("alice", s.meta, MetaStakingExecuteMsgBuilder.delegate({ validator: s.validator, amount: "600" })));
    expect(errorOf(await s.b.execute("alice", s.meta, MetaStakingExecuteMsgBuilder.delegate({ validator: s.validator, amount: "401" }))))
      .toBe(`${metaStakingErrors.allowanceExhausted}: delegating 401 would bring ${s.alice} to 1001, above its allowance of 1000`);
    expect(errorOf(await s.b.execute("alice", s.meta, MetaStakingExecuteMsgBuilder.delegate({ validator: "wasmvaloper1unknown", amount: "10" }))))
      .toBe(`${metaStakingErrors.unknownValidator} 'wasmvaloper1unknown'`);
    await ok(s.b.execute("admin", s.meta, MetaStakingExecuteMsgBuilder.setAllowance({ consumer: s.alice, amount: "100000" })));
    expect(errorOf(await s.b.execute("alice", s.meta, MetaStakingExecuteMsgBuilder.delegate({ validator: s.validator, amount: FUNDS.toString() }))))
      .toBe(`${metaStakingErrors.insufficientFunds}: ${FUNDS - 600n}${s.b.denom} available, ${FUNDS} needed`);
    expect(await s.b.delegation(s.meta, s.validator)).toBe(600n);
  });

  it("undelegate: only what the consumer delegated to that validator", async () => {
    const s = await setup();
    await ok(s.b.execute("alice", s.meta, MetaStakingExecuteMsgBuilder.delegate({ validator: s.validator, amount: "60" })));
    expect(errorOf(await s.b.execute("alice", s.meta, MetaStakingExecuteMsgBuilder.undelegate({ validator: s.validator, amount: "61" }))))
      .toBe(`${metaStakingErrors.insufficientDelegation}: cannot undelegate 61 from ${s.validator}, ${s.alice} has 60 delegated there`);
    const other = s.b.host.valoper("carol");
    expect(errorOf(await s.b.execute("alice", s.meta, MetaStakingExecuteMsgBuilder.undelegate({ validator: other, amount: "1" }))))
      .toBe(`${metaStakingErrors.insufficientDelegation}: cannot undelegate 1 from ${other}, ${s.alice} has 0 delegated there`);
  });

  it("governance messages: admin only; fund takes the bond denom; unknown messages list the ones there are", async () => {
    const s = await setup();
    const admin = s.b.address("admin");
    const unauthorized = `${commonErrors.unauthorized}: only the admin (${admin}) may do this`;
    expect(errorOf(await s.b.execute("bob", s.meta, MetaStakingExecuteMsgBuilder.setAllowance({ consumer: s.b.address("bob"), amount: "5" })))).toBe(unauthorized);
    expect(errorOf(await s.b.execute("bob", s.meta, MetaStakingExecuteMsgBuilder.updateAdmin({ admin: s.b.address("bob") })))).toBe(unauthorized);
    expect(errorOf(await s.b.execute("bob", s.meta, MetaStakingExecuteMsgBuilder.withdrawFunds({ amount: "1" })))).toBe(unauthorized);
    expect(errorOf(await s.b.execute("admin", s.meta, MetaStakingExecuteMsgBuilder.withdrawFunds({ amount: "0" })))).toBe(`${commonErrors.zeroAmount}: withdraw_funds must be greater than zero`);
    expect(errorOf(await s.b.execute("admin", s.meta, MetaStakingExecuteMsgBuilder.withdrawFunds({ amount: (FUNDS + 1n).toString() }))))
      .toBe(`${metaStakingErrors.insufficientLiquidFunds}: ${FUNDS}${s.b.denom} available, ${FUNDS + 1n} requested`);
    expect(errorOf(await s.b.execute("admin", s.meta, MetaStakingExecuteMsgBuilder.setAllowance({ consumer: "", amount: "5" })))).toBe(`${commonErrors.invalidAddress}: consumer is empty`);
    expect(errorOf(await s.b.execute("bob", s.meta, MetaStakingExecuteMsgBuilder.fund()))).toBe(commonErrors.noFunds);
    expect(errorOf(await s.b.execute("bob", s.meta, MetaStakingExecuteMsgBuilder.fund(), [{ denom: s.b.extraDenom, amount: "5" }])))
      .toBe(`${commonErrors.wrongDenom} '${s.b.denom}' to this message, got '${s.b.extraDenom}'`);
    // A unit variant may be written as a bare string.
    await ok(s.b.execute("bob", s.meta, '"fund"', [{ denom: s.b.denom, amount: "5" }]));
    expect(errorOf(await s.b.execute("bob", s.meta, MetaStakingExecuteMsgBuilder.processUnbonding({}), [{ denom: s.b.denom, amount: "1" }])))
      .toBe(commonErrors.fundsNotAccepted);
    expect(errorOf(await s.b.execute("admin", s.meta, { nope: {} }))).toBe(`${commonErrors.unknownVariant}: execute message 'nope'; ` +
      "expected one of: set_allowance, set_min_local_share, set_max_power_share, update_admin, process_unbonding, fund, withdraw_funds, delegate, undelegate, check_validator, claim_rewards, report_requested");
    await ok(s.b.execute("admin", s.meta, MetaStakingExecuteMsgBuilder.updateAdmin({ admin: s.b.address("carol") })));
    expect(errorOf(await s.b.execute("admin", s.meta, MetaStakingExecuteMsgBuilder.withdrawFunds({ amount: "1" }))))
      .toBe(`${commonErrors.unauthorized}: only the admin (${s.b.address("carol")}) may do this`);
  });
});

describe("ledger: unbonding entries that mature", () => {
  const crank = (s: Setup) => ok(s.b.execute("carol", s.meta, MetaStakingExecuteMsgBuilder.processUnbonding({})));
  const maturing = (s: Setup) => s.b.query<MetaStaking.MaturingResponse>(s.meta, MetaStakingQueryMsgBuilder.maturing({}));
  const events = (s: Setup) => s.b.query<MetaStaking.SlashEventsResponse>(s.meta, MetaStakingQueryMsgBuilder.slashEvents({ validator: s.validator }));

  it("paid in full is no slash, even when its payout is spent before the ledger could reconcile it", async () => {
    const s = await setup();
    await ok(s.b.execute("alice", s.meta, MetaStakingExecuteMsgBuilder.delegate({ validator: s.validator, amount: "1000" })));
    await ok(s.b.execute("alice", s.meta, MetaStakingExecuteMsgBuilder.undelegate({ validator: s.validator, amount: "1000" })));
    expect((await maturing(s)).entries).toEqual([expect.objectContaining({ validator: s.validator, batch: 1, amount: "1000" })]);
    await s.b.wait(91);
    // The first execution after the maturity cannot tell whether x/staking paid the entry yet; governance may still
    // withdraw everything liquid, the payout included.
    const admin0 = await s.b.balance(s.b.address("admin"), s.b.denom);
    await ok(s.b.execute("admin", s.meta, MetaStakingExecuteMsgBuilder.withdrawFunds({ amount: FUNDS.toString() })));
    expect(await s.b.balance(s.b.address("admin"), s.b.denom)).toBe(admin0 + FUNDS);
    expect((await maturing(s)).entries).toHaveLength(1);
    await crank(s); // a block later: reconciled, nothing missing
    expect((await maturing(s)).entries).toEqual([]);
    expect((await events(s)).events).toEqual([]);
  });

  it("tokens anyone sends are a gift to the fund, not a reason to see a slash", async () => {
    const s = await setup();
    await ok(s.b.execute("alice", s.meta, MetaStakingExecuteMsgBuilder.delegate({ validator: s.validator, amount: "1000" })));
    await ok(s.b.execute("alice", s.meta, MetaStakingExecuteMsgBuilder.undelegate({ validator: s.validator, amount: "400" })));
    s.b.host.fund(s.meta, [{ denom: s.b.denom, amount: "77" }]);
    await s.b.wait(91);
    await crank(s);
    await crank(s);
    expect((await maturing(s)).entries).toEqual([]);
    expect((await events(s)).events).toEqual([]);
    expect(await s.b.query(s.meta, MetaStakingQueryMsgBuilder.rewardTotals())).toEqual({ held: [], fund: (FUNDS - 600n + 77n).toString() });
  });

  it("entries that mature together: the shortfall goes to the one whose validator was seen slashed, not by amounts", async () => {
    const s = await setup();
    const second = s.b.host.addValidator("validator2", 2_000_000n);
    await ok(s.b.execute("admin", s.meta, MetaStakingExecuteMsgBuilder.setAllowance({ consumer: s.alice, amount: "5000" })));
    for (const v of [s.validator, second]) await ok(s.b.execute("alice", s.meta, MetaStakingExecuteMsgBuilder.delegate({ validator: v, amount: "1000" })));
    const infraction = s.b.host.height;
    // Both first batches go to x/staking in one block: their entries complete at the same time.
    for (const v of [s.validator, second]) {
      const r = s.b.host.execute(s.alice, s.meta, MetaStakingExecuteMsgBuilder.undelegate({ validator: v, amount: "500" }));
      if (!r.ok) throw new Error(r.error);
    }
    s.b.host.advance({ blocks: 1 });
    s.b.host.slashValidator(s.validator, "0.2", { infractionHeight: infraction });
    await ok(s.b.execute("carol", s.meta, MetaStakingExecuteMsgBuilder.checkValidator({ validator: s.validator })));
    await s.b.wait(91);
    await crank(s);
    await crank(s);
    const entrySlashes = async (v: string) => (await s.b.query<MetaStaking.SlashEventsResponse>(s.meta,
      MetaStakingQueryMsgBuilder.slashEvents({ validator: v }))).events.filter((e) => e.unbonding);
    expect(await entrySlashes(s.validator)).toEqual([expect.objectContaining({ batch: 1, fraction: "0.2" })]);
    expect(await entrySlashes(second)).toEqual([]);
  });

  it("unbonding_batch: a batch is open while queued, unbonding with x/staking's completion, paid once the ledger reconciled it", async () => {
    const s = await setup();
    const status = (batch: number) => s.b.query<MetaStaking.UnbondingBatchResponse>(s.meta, MetaStakingQueryMsgBuilder.unbondingBatch({ validator: s.validator, batch }));
    await ok(s.b.execute("alice", s.meta, MetaStakingExecuteMsgBuilder.delegate({ validator: s.validator, amount: "1000" })));
    expect(await status(1)).toEqual({ status: "open", completion: "0" });
    // The first undelegation of a validator goes to x/staking at once: batch 1 unbonds, batch 2 is open.
    const before = await s.b.now();
    const r = await s.b.execute("alice", s.meta, MetaStakingExecuteMsgBuilder.undelegate({ validator: s.validator, amount: "500" }));
    if (!r.ok) throw new Error(r.error);
    const completion = r.events.flatMap((e) => e.attributes).find((a) => a.key === "completion")!.value;
    expect(BigInt(completion)).toBe(before + 90n * 1_000_000_000n);
    expect(await status(1)).toEqual({ status: "unbonding", completion });
    expect(await status(2)).toEqual({ status: "open", completion: "0" });
    await s.b.wait(91);
    await crank(s);
    expect((await status(1)).status).toBe("unbonding");
    await crank(s);
    expect(await status(1)).toEqual({ status: "paid", completion: "0" });
    expect(await s.b.query(s.meta, MetaStakingQueryMsgBuilder.maturing({}))).toEqual({ entries: [] });
  });

  it("an entry slashed by x/staking is reported once, as an unbonding event of its batch", async () => {
    const s = await setup();
    await ok(s.b.execute("alice", s.meta, MetaStakingExecuteMsgBuilder.delegate({ validator: s.validator, amount: "1000" })));
    const infraction = s.b.host.height;
    await ok(s.b.execute("alice", s.meta, MetaStakingExecuteMsgBuilder.undelegate({ validator: s.validator, amount: "500" })));
    s.b.host.slashValidator(s.validator, "0.2", { infractionHeight: infraction });
    await s.b.wait(91);
    await crank(s);
    await crank(s);
    await crank(s);
    const all = (await events(s)).events;
    expect(all.filter((e) => e.unbonding)).toEqual([expect.objectContaining({ batch: 1, fraction: "0.2", cumulative: "1", unbonding: true })]);
  });
});
