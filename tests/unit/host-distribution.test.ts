// x/distribution in the host: per-block rewards shared pro rata by shares (exact, 18-decimal truncation),
// commission, withdrawal (truncated, remainder to the community pool), the automatic withdrawal before a delegation
// changes, withdraw addresses, the distribution queries in wasmd's layout, and Chain.advance's bulk path over
// quiet blocks (equal to block-by-block processing).

import { Chain, Coin, TxResult, decToString } from "../../src/host";
import { compileWat } from "../helpers/wat/compile";
import { kvContractWat } from "../helpers/wat/kv-contract";

let kvWasm: Uint8Array;
beforeAll(async () => {
  kvWasm = await compileWat(kvContractWat());
});

const MILLION = 1_000_000n;
const USTAKE = (amount: bigint | number): Coin[] => [{ denom: "ustake", amount: String(amount) }];
const coin = (amount: bigint | number) => ({ denom: "ustake", amount: String(amount) });
const text = (b?: Uint8Array) => (b ? Buffer.from(b).toString("utf8") : "");
const respond = (response: unknown) => `M${JSON.stringify(response)}`;
const sub = (id: number, msg: unknown, reply_on = "never") => ({ id, msg, reply_on, gas_limit: null });

function ok(r: TxResult): TxResult & { ok: true } {
  if (!r.ok) throw new Error(`tx failed: ${r.error}`);
  return r;
}

function setup(opts: { unbondingTimeSeconds?: number; commission?: string } = {}) {
  const chain = new Chain({ chainId: "mesh-a", prefix: "wasm", bondDenom: "ustake", unbondingTimeSeconds: opts.unbondingTimeSeconds ?? 100 });
  const val1 = chain.addValidator("val1", 10n * MILLION, { commission: opts.commission ?? "0" });
  const val2 = chain.addValidator("val2", 5n * MILLION);
  const alice = chain.addr("alice");
  chain.fund(alice, USTAKE(100n * MILLION));
  const code = chain.storeCode(kvWasm);
  const r = chain.instantiate(alice, code, "");
  if (!r.ok) throw new Error(r.error);
  const contract = r.address!;
  chain.fund(contract, USTAKE(10n * MILLION));
  const queryChain = (request: unknown): any => {
    const q = JSON.parse(text(chain.queryBytes(contract, `Q${JSON.stringify(request)}`)));
    if (q.ok?.ok !== undefined) return { ok: JSON.parse(Buffer.from(q.ok.ok, "base64").toString("utf8")) };
    return q;
  };
  const send = (msg: unknown, replyOn = "never") => chain.execute(alice, contract, respond({ messages: [sub(1, msg, replyOn)] }));
  return { chain, val1, val2, alice, contract, queryChain, send };
}

describe("host distribution: accrual and withdrawal", () => {
  test("each block's reward is shared pro rata by shares; withdrawal pays whole coins, the remainder goes to the community pool", () => {
    const { chain, val1, alice, queryChain } = setup();
    ok(chain.delegate(alice, val1, 10n * MILLION)); // as many shares as the operator
    chain.setBlockReward(val1, 101);
    const supply = chain.supply("ustake");
    chain.advance({ blocks: 3 });
    expect(chain.supply("ustake")).toBe(supply + 303n); // minted into the distribution module account
    expect(chain.balance(chain.distribution.moduleAccount, "ustake")).toBe(303n);
    expect(chain.rewards(alice, val1)).toEqual([{ denom: "ustake", amount: "151.500000000000000000" }]);
    expect(queryChain({ distribution: { delegation_rewards: { delegator_address: alice, validator_address: val1 } } }))
      .toEqual({ ok: { rewards: [{ amount: "151.500000000000000000", denom: "ustake" }] } });
    // the delegation query reports them truncated
    expect(queryChain({ staking: { delegation: { delegator: alice, validator: val1 } } }).ok.delegation.accumulated_rewards).toEqual([coin(151)]);

    const before = chain.balance(alice, "ustake");
    const r = ok(chain.withdrawRewards(alice, val1));
    expect(chain.balance(alice, "ustake")).toBe(before + 151n);
    expect(r.events.find((e) => e.type === "withdraw_rewards")?.attributes).toEqual([
      { key: "amount", value: "151ustake" }, { key: "validator", value: val1 }, { key: "delegator", value: alice },
    ]);
    expect(chain.rewards(alice, val1)).toEqual([]);
    expect(chain.distribution.communityPool(chain.state)).toEqual([{ denom: "ustake", raw: 5n * 10n ** 17n }]);
    expect(queryChain({ distribution: { delegation_rewards: { delegator_address: alice, validator_address: val1 } } })).toEqual({ ok: { rewards: [] } });
  });

  test("uneven shares: each credit is truncated at 18 decimals, the dust goes to the community pool", () => {
    const { chain, val2, alice } = setup();
    ok(chain.delegate(alice, val2, 1n * MILLION)); // 1M of 6M shares
    chain.setBlockReward(val2, 1);
    chain.advance();
    // 1/6 = 0.1666…, 5/6 = 0.8333… (18 decimals, truncated)
    expect(chain.rewards(alice, val2)).toEqual([{ denom: "ustake", amount: "0.166666666666666666" }]);
    expect(chain.rewards(chain.addr("val2"), val2)).toEqual([{ denom: "ustake", amount: "0.833333333333333333" }]);
    expect(chain.distribution.communityPool(chain.state)).toEqual([{ denom: "ustake", raw: 1n }]);
  });

  test("commission is kept for the validator, the rest is shared", () => {
    const { chain, val1, alice } = setup({ commission: "0.1" });
    ok(chain.delegate(alice, val1, 10n * MILLION));
    chain.setBlockReward(val1, 100);
    chain.advance();
    expect(chain.rewards(alice, val1)).toEqual([{ denom: "ustake", amount: "45.000000000000000000" }]);
    expect(chain.distribution.validatorCommission(chain.state, val1)).toEqual([{ denom: "ustake", raw: 10n * 10n ** 18n }]);
  });

  test("several reward denoms; jailed and unbonded validators earn nothing", () => {
    const { chain, val1, val2, alice } = setup();
    chain.fund(alice, [{ denom: "uother", amount: "1" }]); // the denom exists
    chain.setBlockReward(val1, [{ denom: "uother", amount: "10" }, { denom: "ustake", amount: "20" }]);
    chain.setBlockReward(val2, 50);
    chain.advance();
    const op1 = chain.addr("val1");
    expect(chain.rewards(op1, val1)).toEqual([
      { denom: "uother", amount: "10.000000000000000000" }, { denom: "ustake", amount: "20.000000000000000000" },
    ]);
    chain.jailValidator(val2);
    const before = chain.rewards(chain.addr("val2"), val2);
    chain.advance({ blocks: 5 });
    expect(chain.rewards(chain.addr("val2"), val2)).toEqual(before);
    expect(chain.rewards(op1, val1)[1]).toEqual({ denom: "ustake", amount: "120.000000000000000000" });
    void alice;
  });

  test("rewards are withdrawn automatically before a delegation changes (delegate, undelegate, redelegate)", () => {
    const { chain, val1, val2, contract, send } = setup();
    chain.setBlockReward(val1, 300);
    chain.setBlockReward(val2, 60);
    ok(send({ staking: { delegate: { validator: val1, amount: coin(5n * MILLION) } } })); // 1/3 of val1's shares
    chain.advance({ blocks: 2 });
    expect(chain.rewards(contract, val1)).toEqual([{ denom: "ustake", amount: "200.000000000000000000" }]);
    const bal = chain.balance(contract, "ustake");
    const r = ok(send({ staking: { delegate: { validator: val1, amount: coin(1) } } }));
    expect(chain.balance(contract, "ustake")).toBe(bal + 200n - 1n);
    expect(r.events.map((e) => e.type)).toContain("withdraw_rewards");
    expect(chain.rewards(contract, val1)).toEqual([]);

    chain.advance();
    ok(send({ staking: { undelegate: { validator: val1, amount: coin(1) } } }));
    expect(chain.balance(contract, "ustake")).toBe(bal + 200n - 1n + 100n);

    chain.advance();
    ok(send({ staking: { delegate: { validator: val2, amount: coin(MILLION) } } }));
    chain.advance();
    const b2 = chain.balance(contract, "ustake");
    // a redelegation withdraws from the source (2 blocks × 100) and the existing destination delegation (1/6 of 60)
    ok(send({ staking: { redelegate: { src_validator: val1, dst_validator: val2, amount: coin(MILLION) } } }));
    expect(chain.balance(contract, "ustake")).toBe(b2 + 200n + 10n);
    expect(chain.rewards(contract, val1)).toEqual([]);
    expect(chain.rewards(contract, val2)).toEqual([]);
  });

  test("contract messages: set_withdraw_address redirects payouts; withdraw_delegator_reward replies with the coins", () => {
    const { chain, val1, contract, send, queryChain } = setup();
    const bob = chain.addr("bob");
    expect(queryChain({ distribution: { delegator_withdraw_address: { delegator_address: contract } } })).toEqual({ ok: { withdraw_address: contract } });
    const r = ok(send({ distribution: { set_withdraw_address: { address: bob } } }));
    expect(r.events.find((e) => e.type === "set_withdraw_address")?.attributes).toEqual([{ key: "withdraw_address", value: bob }]);
    expect(queryChain({ distribution: { delegator_withdraw_address: { delegator_address: contract } } })).toEqual({ ok: { withdraw_address: bob } });

    ok(send({ staking: { delegate: { validator: val1, amount: coin(10n * MILLION) } } }));
    chain.setBlockReward(val1, 7);
    chain.advance({ blocks: 2 });
    ok(send({ distribution: { withdraw_delegator_reward: { validator: val1 } } }, "success"));
    expect(chain.balance(bob, "ustake")).toBe(7n);
    const reply = JSON.parse(text(chain.queryRaw(contract, "last_reply")));
    const [resp] = reply.result.ok.msg_responses;
    expect(resp.type_url).toBe("/cosmos.distribution.v1beta1.MsgWithdrawDelegatorRewardResponse");
    // repeated Coin amount = 1: {denom: "ustake", amount: "7"}
    expect([...Buffer.from(resp.value, "base64")]).toEqual([0x0a, 11, 0x0a, 6, ...Buffer.from("ustake"), 0x12, 1, ...Buffer.from("7")]);
    // a withdrawal with nothing accrued succeeds; x/distribution's event then says "0stake"
    const again = ok(send({ distribution: { withdraw_delegator_reward: { validator: val1 } } }));
    expect(again.events.find((e) => e.type === "withdraw_rewards")?.attributes[0]).toEqual({ key: "amount", value: "0stake" });
  });

  test("errors: withdrawing without a delegation or from an unknown validator; queries for missing delegations", () => {
    const { chain, val1, contract, send, queryChain } = setup();
    const e1 = send({ distribution: { withdraw_delegator_reward: { validator: val1 } } });
    expect(!e1.ok && e1.error).toBe("no delegation distribution info");
    const e2 = send({ distribution: { withdraw_delegator_reward: { validator: chain.valoper("ghost") } } });
    expect(!e2.ok && e2.error).toBe("no validator distribution info");
    // query errors reach the contract redacted (not contract errors)
    expect(queryChain({ distribution: { delegation_rewards: { delegator_address: contract, validator_address: val1 } } }))
      .toEqual({ ok: { error: "codespace: distribution, code: 13" } });
    expect(queryChain({ distribution: { delegation_rewards: { delegator_address: contract, validator_address: chain.valoper("ghost") } } }))
      .toEqual({ ok: { error: "codespace: distribution, code: 12" } });
    expect(queryChain({ distribution: { delegator_withdraw_address: { delegator_address: "nope" } } })).toEqual({ ok: { error: "codespace: undefined, code: 1" } });
    expect(queryChain({ distribution: { community_pool: {} } })).toEqual({ error: { unsupported_request: { kind: "unknown distribution query" } } });
  });

  test("delegation_total_rewards and delegator_validators", () => {
    const { chain, val1, val2, alice, queryChain } = setup();
    ok(chain.delegate(alice, val1, 10n * MILLION));
    ok(chain.delegate(alice, val2, 5n * MILLION));
    chain.setBlockReward(val1, 2);
    chain.setBlockReward(val2, 4);
    chain.advance();
    const total = queryChain({ distribution: { delegation_total_rewards: { delegator_address: alice } } }).ok;
    expect(total.total).toEqual([{ amount: "3.000000000000000000", denom: "ustake" }]);
    expect(total.rewards).toHaveLength(2);
    expect(total.rewards.find((r: any) => r.validator_address === val2).reward).toEqual([{ amount: "2.000000000000000000", denom: "ustake" }]);
    expect(queryChain({ distribution: { delegator_validators: { delegator_address: alice } } }).ok.validators.sort()).toEqual([val1, val2].sort());
  });
});

describe("host chain: advance over many blocks", () => {
  function world() {
    const { chain, val1, val2, alice } = setup({ unbondingTimeSeconds: 100 });
    ok(chain.delegate(alice, val1, 3n * MILLION));
    ok(chain.delegate(alice, val2, 1_234_567n));
    chain.setBlockReward(val1, 77);
    chain.setBlockReward(val2, 13);
    ok(chain.undelegate(alice, val2, 1000)); // matures after 20 blocks
    chain.jailValidator(val2); // leaves the set at the next EndBlock, unbonded after 100 s
    return { chain, val1, val2, alice };
  }
  const snapshot = (w: ReturnType<typeof world>) => ({
    height: w.chain.height,
    time: w.chain.timeNs,
    alice: w.chain.balance(w.alice, "ustake"),
    r1: w.chain.rewards(w.alice, w.val1),
    r2: w.chain.rewards(w.alice, w.val2),
    v2: w.chain.validator(w.val2)?.status,
    ubd: w.chain.unbondingEntries(w.alice, w.val2),
    supply: w.chain.supply("ustake"),
    pools: [w.chain.balance(w.chain.staking.bondedPool, "ustake"), w.chain.balance(w.chain.staking.notBondedPool, "ustake")],
  });

  test("one advance over 60 blocks equals 60 single-block advances (unbonding maturity and rewards included)", () => {
    const a = world();
    const b = world();
    a.chain.advance({ blocks: 60 });
    for (let i = 0; i < 60; i++) b.chain.advance();
    expect(snapshot(a)).toEqual(snapshot(b));
    expect(snapshot(a).v2).toBe("unbonded");
    expect(snapshot(a).ubd).toEqual([]);
  });

  test("21 days of 5 s blocks with the default unbonding time take little time and pay the unbonding", () => {
    const chain = new Chain({ chainId: "mesh-a", prefix: "wasm", bondDenom: "ustake" });
    const val = chain.addValidator("val", 10n * MILLION);
    const alice = chain.addr("alice");
    chain.fund(alice, USTAKE(2n * MILLION));
    ok(chain.delegate(alice, val, MILLION));
    chain.setBlockReward(val, 11);
    ok(chain.undelegate(alice, val, 500_000n));
    const t0 = Date.now();
    chain.advance({ seconds: 21 * 86400 + 5 });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(chain.height).toBe(1 + 362_881);
    expect(chain.balance(alice, "ustake")).toBe(1_500_000n);
    // every block credits alice 500_000/10_500_000 of 11 ustake, truncated at 18 decimals
    const perBlock = (11n * 10n ** 18n * 500_000n) / 10_500_000n;
    expect(chain.rewards(alice, val)).toEqual([{ denom: "ustake", amount: decToString(362_881n * perBlock) }]);
  });
});
