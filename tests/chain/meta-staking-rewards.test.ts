// meta-staking's rewards on a real wasmd node (docs/rewards.md §1): the chain's inflation pays its delegation;
// x/staking's Delegation query reports the accrued rewards, the explicit withdrawal placed before each staking
// message takes them, the claim pays the consumer exactly what its response data says, and the governance fund
// never grows by a reward. A test account stands in for the consumer contract.
import { toUtf8, fromUtf8 } from "@cosmjs/encoding";
import { MsgExecuteContract, MsgExecuteContractResponse } from "cosmjs-types/cosmwasm/wasm/v1/tx";
import { MetaStakingExecuteMsgBuilder, MetaStakingQueryMsgBuilder } from "../../src/contracts/MetaStaking.message-builder";
import type * as MetaStaking from "../../src/contracts/MetaStaking.types";
import { WasmdScenarioChain, WasmdScenarioNetwork } from "../../src/scenario/wasmd-backend";
import { artifact } from "../helpers/artifacts";
import { moduleQueryClient, testChain, waitForBlocks } from "./helpers";

let net: WasmdScenarioNetwork;

beforeAll(() => {
  net = new WasmdScenarioNetwork([testChain("mesh-b")]);
});

afterAll(async () => {
  await net?.close();
});

it("inflation rewards of meta-staking's delegation are held apart from the fund and paid to the consumer that earned them", async () => {
  const cfg = testChain("mesh-b");
  const b = net.chain("mesh-b") as WasmdScenarioChain;
  const fundAmount = 10_000_000n;
  const meta = await b.instantiate("admin", await b.upload("admin", artifact("meta-staking")),
    { unbonding_period_seconds: cfg.unbondingSeconds } satisfies MetaStaking.InstantiateMsg, "meta-staking rewards", [{ denom: b.denom, amount: fundAmount.toString() }]);
  const alice = b.address("alice");
  const must = async (p: ReturnType<typeof b.execute>) => {
    const r = await p;
    if (!r.ok) throw new Error(r.error);
  };
  await must(b.execute("admin", meta, MetaStakingExecuteMsgBuilder.setAllowance({ consumer: alice, amount: "5000000" })));
  const [validator] = await b.validators();
  await must(b.execute("alice", meta, MetaStakingExecuteMsgBuilder.delegate({ validator, amount: "5000000" })));
  const totals = () => b.query<MetaStaking.RewardTotalsResponse>(meta, MetaStakingQueryMsgBuilder.rewardTotals());
  expect(await totals()).toEqual({ held: [], fund: (fundAmount - 5_000_000n).toString() });

  await waitForBlocks(cfg, 5);
  const pending = await b.query<MetaStaking.RewardsResponse>(meta, MetaStakingQueryMsgBuilder.rewards({ consumer: alice }));
  expect(pending.rewards).toEqual([{ validator, denom: b.denom, amount: expect.stringMatching(/^[1-9]\d*$/) }]);

  // The claim: its data says what was paid; meta-staking's balance grows by what x/distribution paid minus that.
  const signer = await b.signer("alice");
  const metaBefore = await b.balance(meta, b.denom);
  const msg = MsgExecuteContract.fromPartial({ sender: alice, contract: meta, msg: toUtf8(JSON.stringify(MetaStakingExecuteMsgBuilder.claimRewards({}))) });
  const res = await signer.client.signAndBroadcast(alice, [{ typeUrl: "/cosmwasm.wasm.v1.MsgExecuteContract", value: msg }], signer.fee);
  expect(res.code).toBe(0);
  const data = JSON.parse(fromUtf8(MsgExecuteContractResponse.decode(res.msgResponses[0].value).data)) as MetaStaking.RewardsResponse;
  expect(data.rewards).toEqual([{ validator, denom: b.denom, amount: expect.stringMatching(/^[1-9]\d*$/) }]);
  const paid = BigInt(data.rewards[0].amount);
  expect(paid >= BigInt(pending.rewards[0].amount)).toBe(true); // more blocks passed since the query
  const withdrawn = res.events.filter((e) => e.type === "withdraw_rewards")
    .map((e) => e.attributes.find((a) => a.key === "amount")!.value)
    .reduce((sum, amount) => sum + BigInt(amount.replace(b.denom, "") || "0"), 0n);
  expect(withdrawn >= paid).toBe(true);
  expect(await b.balance(meta, b.denom)).toBe(metaBefore + withdrawn - paid);
  // All of it went to alice (the only consumer): nothing is held but rounding dust, and the fund did not grow.
  const after = await totals();
  expect(after.fund).toBe((fundAmount - 5_000_000n).toString());
  expect(BigInt(after.held.find((h) => h.denom === b.denom)?.amount ?? "0")).toBe(withdrawn - paid);
  expect(withdrawn - paid).toBeLessThan(2n);

  // An undelegation (the validator's first batch goes out at once): meta-staking records x/staking's entry from the
  // real MsgUndelegateResponse, for the ledger that compares it with the payout at maturity.
  await must(b.execute("alice", meta, MetaStakingExecuteMsgBuilder.undelegate({ validator, amount: "1000000" })));
  const { query, comet } = await moduleQueryClient(cfg);
  try {
    const { unbond } = await query.staking.unbondingDelegation(meta, validator);
    expect(unbond?.entries).toHaveLength(1);
    const entry = unbond!.entries[0];
    const completion = BigInt(entry.completionTime!.seconds) * 1_000_000_000n + BigInt(entry.completionTime!.nanos);
    expect(await b.query(meta, MetaStakingQueryMsgBuilder.maturing({})))
      .toEqual({ entries: [{ validator, batch: 1, amount: entry.initialBalance, completion: completion.toString() }] });
    expect(entry.initialBalance).toBe("1000000");
  } finally {
    comet.disconnect();
  }
});
