// x/staking in the host: validators and pools with real balances, delegate / undelegate / redelegate from contracts
// and users, unbonding maturity in the EndBlocker, slashing (validator tokens and unbonding entries, truncation),
// jailing and the bonded set, the staking queries in wasmd's layout. Driven by the WAT command contract.

import { Chain, Coin, TxResult, fromBech32, moduleAddress } from "../../src/host";
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

function setup(opts: { unbondingTimeSeconds?: number } = {}) {
  const chain = new Chain({ chainId: "mesh-a", prefix: "wasm", bondDenom: "ustake", unbondingTimeSeconds: opts.unbondingTimeSeconds ?? 100 });
  const val1 = chain.addValidator("val1", 10n * MILLION);
  const val2 = chain.addValidator("val2", 5n * MILLION);
  const code = chain.storeCode(kvWasm);
  const alice = chain.addr("alice");
  chain.fund(alice, USTAKE(100n * MILLION));
  const inst = () => {
    const r = chain.instantiate(alice, code, "");
    if (!r.ok) throw new Error(r.error);
    return r.address!;
  };
  const contract = inst();
  chain.fund(contract, USTAKE(10n * MILLION));
  /** query_chain from the contract: the SystemResult, with the inner response decoded when ok. */
  const queryChain = (request: unknown): any => {
    const r = JSON.parse(text(chain.queryBytes(contract, `Q${JSON.stringify(request)}`)));
    if (r.ok?.ok !== undefined) return { ok: JSON.parse(Buffer.from(r.ok.ok, "base64").toString("utf8")) };
    return r;
  };
  /** A contract-originated staking message. */
  const stakingMsg = (msg: unknown, replyOn = "never") => chain.execute(alice, contract, respond({ messages: [sub(1, { staking: msg }, replyOn)] }));
  return { chain, val1, val2, alice, contract, queryChain, stakingMsg, inst };
}

describe("host staking: validators and pools", () => {
  test("genesis validators: valoper has the operator account's bytes, self-bond in the bonded pool, power ≥ 1 bonds", () => {
    const { chain, val1, val2 } = setup();
    expect(val1.startsWith("wasmvaloper1")).toBe(true);
    const op = fromBech32(val1) as { data: Uint8Array };
    expect(Buffer.from(op.data)).toEqual(Buffer.from((fromBech32(chain.addr("val1")) as { data: Uint8Array }).data));
    expect(chain.validator(val1)).toMatchObject({ tokens: 10n * MILLION, status: "bonded", jailed: false });
    expect(chain.staking.bondedPool).toBe(moduleAddress("wasm", "bonded_tokens_pool"));
    expect(chain.balance(chain.staking.bondedPool, "ustake")).toBe(15n * MILLION);
    expect(chain.balance(chain.addr("val1"), "ustake")).toBe(0n); // minted then self-delegated
    expect(chain.bondedValidators()).toEqual([val1, val2]); // by power, descending
    expect(chain.delegation(chain.addr("val1"), val1)).toEqual({ shares: 10n * MILLION * 10n ** 18n, tokens: 10n * MILLION });
  });

  test("a validator with less than one unit of consensus power (10^6 tokens) is not bonded", () => {
    const { chain, val1, val2 } = setup();
    const tiny = chain.addValidator("tiny", MILLION - 1n);
    expect(chain.validator(tiny)).toMatchObject({ status: "unbonded", tokens: MILLION - 1n });
    expect(chain.bondedValidators()).toEqual([val1, val2]);
    expect(chain.balance(chain.staking.notBondedPool, "ustake")).toBe(MILLION - 1n);
    // one more token bonds it at the next EndBlock
    ok(chain.delegate(chain.addr("alice"), tiny, 1));
    expect(chain.validator(tiny)!.status).toBe("unbonded");
    chain.advance();
    expect(chain.validator(tiny)!.status).toBe("bonded");
    expect(chain.balance(chain.staking.notBondedPool, "ustake")).toBe(0n);
    expect(chain.balance(chain.staking.bondedPool, "ustake")).toBe(16n * MILLION);
  });
});

describe("host staking: messages from contracts", () => {
  test("delegate and undelegate move real balances; the unbonding entry is paid in the EndBlock of the first block past maturity", () => {
    const { chain, val1, contract, stakingMsg } = setup();
    const pool = chain.staking.bondedPool;
    const notBonded = chain.staking.notBondedPool;
    const r = ok(stakingMsg({ delegate: { validator: val1, amount: coin(3n * MILLION) } }));
    expect(r.events.find((e) => e.type === "delegate")?.attributes).toEqual([
      { key: "validator", value: val1 }, { key: "delegator", value: contract }, { key: "amount", value: "3000000ustake" },
      { key: "new_shares", value: "3000000.000000000000000000" },
    ]);
    expect(chain.balance(contract, "ustake")).toBe(7n * MILLION);
    expect(chain.balance(pool, "ustake")).toBe(18n * MILLION);
    expect(chain.delegation(contract, val1)?.tokens).toBe(3n * MILLION);

    const start = chain.timeNs;
    ok(stakingMsg({ undelegate: { validator: val1, amount: coin(MILLION) } }));
    expect(chain.balance(contract, "ustake")).toBe(7n * MILLION); // not yet
    expect(chain.balance(pool, "ustake")).toBe(17n * MILLION);
    expect(chain.balance(notBonded, "ustake")).toBe(MILLION);
    expect(chain.unbondingEntries(contract, val1)).toEqual([
      { creationHeight: chain.height, completionTimeNs: start + 100_000_000_000n, initialBalance: MILLION, balance: MILLION },
    ]);
    chain.advance({ seconds: 100 }); // now at the completion time, but this block's EndBlock has not run
    expect(chain.timeNs).toBe(start + 100_000_000_000n);
    expect(chain.balance(contract, "ustake")).toBe(7n * MILLION);
    chain.advance();
    expect(chain.balance(contract, "ustake")).toBe(8n * MILLION);
    expect(chain.balance(notBonded, "ustake")).toBe(0n);
    expect(chain.unbondingEntries(contract, val1)).toEqual([]);
    expect(chain.delegation(contract, val1)?.tokens).toBe(2n * MILLION);
  });

  test("two undelegations in the same block merge into one entry (UnbondingDelegation.AddEntry)", () => {
    const { chain, val1, contract, stakingMsg } = setup();
    ok(stakingMsg({ delegate: { validator: val1, amount: coin(3n * MILLION) } }));
    ok(stakingMsg({ undelegate: { validator: val1, amount: coin(100) } }));
    ok(stakingMsg({ undelegate: { validator: val1, amount: coin(50) } }));
    expect(chain.unbondingEntries(contract, val1)).toHaveLength(1);
    expect(chain.unbondingEntries(contract, val1)[0]).toMatchObject({ initialBalance: 150n, balance: 150n });
    chain.advance();
    ok(stakingMsg({ undelegate: { validator: val1, amount: coin(1) } }));
    expect(chain.unbondingEntries(contract, val1)).toHaveLength(2);
  });

  test("the reply to a staking sub-message carries the Msg…Response (undelegate: completion time and amount)", () => {
    const { chain, val1, contract, stakingMsg } = setup();
    ok(stakingMsg({ delegate: { validator: val1, amount: coin(1000) } }, "success"));
    let reply = JSON.parse(text(chain.queryRaw(contract, "last_reply")));
    expect(reply.result.ok.msg_responses).toEqual([{ type_url: "/cosmos.staking.v1beta1.MsgDelegateResponse", value: "" }]);
    expect(reply.result.ok.events).toEqual([]); // wasmd gives a reply events only for wasm messages

    ok(stakingMsg({ undelegate: { validator: val1, amount: coin(400) } }, "success"));
    reply = JSON.parse(text(chain.queryRaw(contract, "last_reply")));
    const [resp] = reply.result.ok.msg_responses;
    expect(resp.type_url).toBe("/cosmos.staking.v1beta1.MsgUndelegateResponse");
    const value = Buffer.from(resp.value, "base64");
    expect(reply.result.ok.data).toBe(resp.value);
    // field 1: Timestamp{seconds}, field 2: Coin{"ustake","400"}
    const completion = (chain.timeNs + 100_000_000_000n) / 1_000_000_000n;
    const secs: number[] = [];
    for (let n = completion; ; n >>= 7n) {
      if (n < 0x80n) {
        secs.push(Number(n));
        break;
      }
      secs.push(Number(n & 0x7fn) | 0x80);
    }
    const ts = [0x08, ...secs];
    const coinBytes = [0x0a, 6, ...Buffer.from("ustake"), 0x12, 3, ...Buffer.from("400")];
    expect([...value]).toEqual([0x0a, ts.length, ...ts, 0x12, coinBytes.length, ...coinBytes]);
  });

  test("errors: unknown validator, wrong denom, insufficient funds, no delegation, too much, bad address", () => {
    const { chain, val1, contract, stakingMsg } = setup();
    const ghost = chain.valoper("ghost");
    const err = (r: TxResult) => (r.ok ? "ok" : r.error);
    expect(err(stakingMsg({ delegate: { validator: ghost, amount: coin(1) } }))).toBe("validator does not exist");
    expect(err(stakingMsg({ delegate: { validator: val1, amount: { denom: "uatom", amount: "1" } } })))
      .toBe("invalid coin denomination: got uatom, expected ustake: invalid request");
    expect(err(stakingMsg({ delegate: { validator: val1, amount: coin(0) } }))).toBe("invalid delegation amount: invalid request");
    expect(err(stakingMsg({ delegate: { validator: val1, amount: coin(11n * MILLION) } })))
      .toBe("failed to delegate; 10000000ustake is smaller than 11000000ustake: insufficient funds");
    expect(err(stakingMsg({ undelegate: { validator: val1, amount: coin(1) } }))).toBe("no delegation for (address, validator) tuple");
    ok(stakingMsg({ delegate: { validator: val1, amount: coin(100) } }));
    expect(err(stakingMsg({ undelegate: { validator: val1, amount: coin(101) } }))).toBe("invalid shares amount: invalid request");
    expect(err(stakingMsg({ delegate: { validator: chain.addr("val1"), amount: coin(1) } })))
      .toBe("invalid validator address: invalid Bech32 prefix; expected wasmvaloper, got wasm: invalid address");
    expect(err(stakingMsg({ redelegate: { src_validator: val1, dst_validator: val1, amount: coin(1) } }))).toBe("cannot redelegate to the same validator");
    // nothing of the failed txs stuck
    expect(chain.balance(contract, "ustake")).toBe(10n * MILLION - 100n);
    // in a reply the (non-contract) error is redacted to codespace/code
    ok(chain.execute(chain.addr("alice"), contract, respond({ messages: [sub(7, { staking: { delegate: { validator: ghost, amount: coin(1) } } }, "error")] })));
    expect(JSON.parse(text(chain.queryRaw(contract, "last_reply"))).result).toEqual({ error: "codespace: staking, code: 3" });
  });

  test("redelegate: moves the delegation at once, blocks a transitive redelegation until the entry matures", () => {
    const { chain, val1, val2, contract, stakingMsg, queryChain } = setup();
    ok(stakingMsg({ delegate: { validator: val1, amount: coin(2n * MILLION) } }));
    const r = ok(stakingMsg({ redelegate: { src_validator: val1, dst_validator: val2, amount: coin(MILLION) } }));
    expect(r.events.find((e) => e.type === "redelegate")?.attributes.map((a) => a.key)).toEqual(["source_validator", "destination_validator", "amount", "completion_time"]);
    expect(chain.delegation(contract, val1)?.tokens).toBe(MILLION);
    expect(chain.delegation(contract, val2)?.tokens).toBe(MILLION);
    expect(chain.validator(val2)?.tokens).toBe(6n * MILLION);
    // both bonded: no pool movement, no balance change
    expect(chain.balance(chain.staking.bondedPool, "ustake")).toBe(17n * MILLION);
    const again = stakingMsg({ redelegate: { src_validator: val2, dst_validator: val1, amount: coin(1) } });
    expect(!again.ok && again.error).toBe(
      "redelegation to this validator already in progress; first redelegation to this validator must complete before next redelegation",
    );
    // wasmd: can_redelegate is 0 while the delegation receives a redelegation
    expect(queryChain({ staking: { delegation: { delegator: contract, validator: val2 } } }).ok.delegation.can_redelegate).toEqual(coin(0));
    chain.advance({ seconds: 105 });
    expect(queryChain({ staking: { delegation: { delegator: contract, validator: val2 } } }).ok.delegation.can_redelegate).toEqual(coin(MILLION));
    ok(stakingMsg({ redelegate: { src_validator: val2, dst_validator: val1, amount: coin(1) } }));
  });
});

describe("host staking: queries as wasmd answers them", () => {
  test("bonded_denom, all_validators, validator, all_delegations, delegation (and {} / null when absent)", () => {
    const { chain, val1, val2, contract, queryChain, stakingMsg } = setup();
    chain.addValidator("val3", 2n * MILLION, { commission: "0.05", maxCommission: "0.1", maxChangeRate: "0.01" });
    const val3 = chain.valoper("val3");
    expect(queryChain({ staking: { bonded_denom: {} } })).toEqual({ ok: { denom: "ustake" } });
    const validator = (address: string, commission = "0.000000000000000000", max = "0.200000000000000000", change = "0.010000000000000000") =>
      ({ address, commission, max_commission: max, max_change_rate: change });
    expect(queryChain({ staking: { all_validators: {} } })).toEqual({
      ok: { validators: [validator(val1), validator(val2), validator(val3, "0.050000000000000000", "0.100000000000000000")] },
    });
    expect(queryChain({ staking: { validator: { address: val2 } } })).toEqual({ ok: { validator: validator(val2) } });
    expect(queryChain({ staking: { validator: { address: chain.valoper("nobody") } } })).toEqual({ ok: { validator: null } });
    expect(queryChain({ staking: { delegation: { delegator: contract, validator: val1 } } })).toEqual({ ok: {} });
    expect(queryChain({ staking: { all_delegations: { delegator: contract } } })).toEqual({ ok: { delegations: [] } });

    ok(stakingMsg({ delegate: { validator: val2, amount: coin(700) } }));
    ok(stakingMsg({ delegate: { validator: val1, amount: coin(500) } }));
    const all = queryChain({ staking: { all_delegations: { delegator: contract } } }).ok.delegations;
    // store order: by validator address bytes
    const sorted = [val1, val2].sort((a, b) => Buffer.compare(Buffer.from((fromBech32(a) as any).data), Buffer.from((fromBech32(b) as any).data)));
    expect(all.map((d: any) => d.validator)).toEqual(sorted);
    expect(all.find((d: any) => d.validator === val2)).toEqual({ delegator: contract, validator: val2, amount: coin(700) });
    // the exact bytes: Go field order, accumulated_rewards as [] (no rewards configured)
    const raw = JSON.parse(text(chain.queryBytes(contract, `Q${JSON.stringify({ staking: { delegation: { delegator: contract, validator: val1 } } })}`)));
    expect(Buffer.from(raw.ok.ok, "base64").toString()).toBe(
      `{"delegation":{"delegator":"${contract}","validator":"${val1}","amount":{"denom":"ustake","amount":"500"},` +
        `"accumulated_rewards":[],"can_redelegate":{"denom":"ustake","amount":"500"}}}`,
    );
    // bad addresses: errors, redacted for the contract
    expect(queryChain({ staking: { all_delegations: { delegator: "wasm1nope" } } })).toEqual({ ok: { error: "codespace: sdk, code: 7" } });
    expect(queryChain({ staking: { validator: { address: "nope" } } })).toEqual({ ok: { error: "codespace: undefined, code: 1" } });
    expect(queryChain({ staking: { delegations_of: {} } })).toEqual({ error: { unsupported_request: { kind: "unknown Staking variant" } } });
  });
});

describe("host staking: slashing and jailing", () => {
  test("slashing cuts the validator's tokens (power-based amount, burnt); delegation values are truncated", () => {
    const { chain, alice } = setup();
    const v = chain.addValidator("v", 3n * MILLION);
    ok(chain.delegate(alice, v, 1_000_001));
    const supply = chain.supply("ustake");
    const pool = chain.balance(chain.staking.bondedPool, "ustake");
    const r = chain.slashValidator(v, "0.1");
    // power = floor(4_000_001 / 10^6) = 4 → slash 0.1 × 4_000_000
    expect(r).toEqual({ slashAmount: 400_000n, burned: 400_000n });
    expect(chain.validator(v)!.tokens).toBe(3_600_001n);
    expect(chain.supply("ustake")).toBe(supply - 400_000n);
    expect(chain.balance(chain.staking.bondedPool, "ustake")).toBe(pool - 400_000n);
    // value = shares × tokens / total shares, truncated: 1_000_001 × 3_600_001 / 4_000_001 = 900_000.87…
    expect(chain.delegation(alice, v)!.tokens).toBe((1_000_001n * 3_600_001n) / 4_000_001n);
    expect(chain.delegation(alice, v)!.tokens).toBe(900_000n);
    expect(chain.delegation(chain.addr("v"), v)!.tokens).toBe(2_700_000n); // 2_700_000.12…
    // x/staking's rounding: one token more than the value is refused; the shown value pays one token less (the
    // shares for 900_000 tokens are worth 899_999.99…) and leaves dust shares worth 0
    const over = chain.undelegate(alice, v, 900_001);
    expect(!over.ok && over.error).toBe("invalid shares amount: invalid request");
    ok(chain.undelegate(alice, v, 900_000));
    expect(chain.unbondingEntries(alice, v)[0].balance).toBe(899_999n);
    expect(chain.delegation(alice, v)!.tokens).toBe(0n);
    expect(chain.delegation(alice, v)!.shares).toBeGreaterThan(0n);
    expect(chain.validator(v)!.tokens).toBe(3_600_001n - 899_999n);
  });

  test("unbonding entries created at or after the infraction height are slashed by fraction × initial balance (truncated)", () => {
    const { chain, alice } = setup({ unbondingTimeSeconds: 1000 });
    const v = chain.addValidator("v", 10n * MILLION);
    ok(chain.delegate(alice, v, 2n * MILLION));
    chain.advance();
    ok(chain.undelegate(alice, v, MILLION)); // before the infraction
    chain.advance();
    const infraction = chain.height;
    ok(chain.undelegate(alice, v, 500_001)); // at the infraction height
    chain.advance();
    ok(chain.undelegate(alice, v, 300_000)); // after it
    chain.advance();
    const before = chain.validator(v)!.tokens;
    const notBonded = chain.balance(chain.staking.notBondedPool, "ustake");
    const r = chain.slashValidator(v, "0.333", { infractionHeight: infraction });
    const entries = chain.unbondingEntries(alice, v);
    expect(entries.map((e) => [e.initialBalance, e.balance])).toEqual([
      [MILLION, MILLION],
      [500_001n, 500_001n - 166_500n], // 0.333 × 500_001 = 166_500.333 → 166_500
      [300_000n, 300_000n - 99_900n],
    ]);
    // power 10 (10_199_999 tokens) → 3_330_000; the entries' share is taken off the validator's part
    expect(r.slashAmount).toBe(3_330_000n);
    expect(chain.validator(v)!.tokens).toBe(before - (3_330_000n - 166_500n - 99_900n));
    expect(r.burned).toBe(3_330_000n);
    expect(chain.balance(chain.staking.notBondedPool, "ustake")).toBe(notBonded - 166_500n - 99_900n);
    // at maturity the slashed balances are paid
    const bal = chain.balance(alice, "ustake");
    chain.advance({ seconds: 1000 });
    chain.advance();
    expect(chain.balance(alice, "ustake")).toBe(bal + MILLION + 333_501n + 200_100n);
  });

  test("a slash at the current height leaves unbonding entries alone; mature entries are never slashed", () => {
    const { chain, alice } = setup();
    const v = chain.addValidator("v", 10n * MILLION);
    ok(chain.delegate(alice, v, 2n * MILLION));
    ok(chain.undelegate(alice, v, MILLION));
    chain.slashValidator(v, "0.5");
    expect(chain.unbondingEntries(alice, v)[0].balance).toBe(MILLION);
  });

  test("jailing removes the validator from all_validators at once; the validator query still answers; unjail", () => {
    const { chain, val1, val2, queryChain } = setup();
    chain.slashValidator(val2, "0.01", { jail: true });
    expect(queryChain({ staking: { all_validators: {} } }).ok.validators.map((v: any) => v.address)).toEqual([val1]);
    expect(queryChain({ staking: { validator: { address: val2 } } }).ok.validator.address).toBe(val2);
    // still bonded until the EndBlock, then unbonding: its tokens move to the not-bonded pool
    expect(chain.validator(val2)).toMatchObject({ jailed: true, status: "bonded" });
    const bonded = chain.balance(chain.staking.bondedPool, "ustake");
    chain.advance();
    expect(chain.validator(val2)).toMatchObject({ jailed: true, status: "unbonding" });
    expect(chain.balance(chain.staking.bondedPool, "ustake")).toBe(bonded - 4_950_000n);
    expect(chain.balance(chain.staking.notBondedPool, "ustake")).toBe(4_950_000n);
    chain.advance({ seconds: 200 });
    expect(chain.validator(val2)!.status).toBe("unbonded");
    // a slash of an unbonded validator is refused (x/staking panics)
    expect(() => chain.slashValidator(val2, "0.1")).toThrow("should not be slashing unbonded validator");
    chain.unjailValidator(val2);
    expect(chain.bondedValidators()).toEqual([val1]);
    chain.advance();
    expect(chain.bondedValidators()).toEqual([val1, val2]);
    expect(chain.balance(chain.staking.notBondedPool, "ustake")).toBe(0n);
  });

  test("the operator undelegating below its minimum self delegation jails its validator", () => {
    const { chain, val1, val2 } = setup();
    ok(chain.undelegate(chain.addr("val2"), val2, 5n * MILLION));
    expect(chain.validator(val2)).toMatchObject({ jailed: true, tokens: 0n });
    chain.advance();
    expect(chain.bondedValidators()).toEqual([val1]);
  });

  test("the host backend's views: bondedValidators() and delegationTokens() on the module", () => {
    const { chain, val1, val2, alice } = setup();
    ok(chain.delegate(alice, val2, 1234));
    const m = chain.modules.get("staking") as unknown as { bondedValidators(): string[]; delegationTokens(d: string, v: string): bigint };
    expect(m.bondedValidators()).toEqual([val1, val2]);
    expect(m.delegationTokens(alice, val2)).toBe(1234n);
    expect(m.delegationTokens(alice, val1)).toBe(0n);
  });
});
