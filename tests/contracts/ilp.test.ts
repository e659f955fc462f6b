// The ILP contract, compiled, on the in-process host: every message, every error path, and the invariants
// (max(claims) ≤ bonded per account; the contract's balance = Σ bonded = totals) after every step.
import { Chain } from "../../src/host";
import { IlpExecuteMsgBuilder, IlpQueryMsgBuilder } from "../../src/contracts/Ilp.message-builder";
import type * as Ilp from "../../src/contracts/Ilp.types";
import { commonErrors, ilpErrors } from "../../src/contracts/errors";
import { artifact, testContract } from "../helpers/artifacts";
import { checkIlpInvariants, expectErr, expectOk, snapshotState } from "../helpers/ilp";

const DENOM = "ustake";

interface Setup {
  chain: Chain;
  ilp: string;
  lien: string;
  lien2: string;
  alice: string;
  bob: string;
}

function setup(opts: { slashRecipient?: string; failCapNotifications?: boolean } = {}): Setup {
  const chain = new Chain({ chainId: "mesh-a", prefix: "wasm", bondDenom: DENOM });
  const admin = chain.addr("admin");
  const alice = chain.addr("alice");
  const bob = chain.addr("bob");
  for (const who of [alice, bob]) chain.fund(who, [{ denom: DENOM, amount: "1000000" }, { denom: "ucosm", amount: "1000" }]);
  const ilpCode = chain.storeCode(artifact("ilp"));
  const lienCode = chain.storeCode(testContract("test-lienholder"));
  const inst = chain.instantiate(admin, ilpCode, { denom: DENOM, slash_recipient: opts.slashRecipient ?? null }, { label: "ilp" });
  expectOk(inst);
  const ilp = inst.address!;
  const lien = chain.instantiate(admin, lienCode, { ilp, fail_cap_notifications: opts.failCapNotifications ?? false }, { label: "lien" }).address!;
  const lien2 = chain.instantiate(admin, lienCode, { ilp }, { label: "lien2" }).address!;
  return { chain, ilp, lien, lien2, alice, bob };
}

function account(s: Setup, who: string): Ilp.AccountResponse {
  return s.chain.query(s.ilp, IlpQueryMsgBuilder.account({ address: who }));
}

function bond(s: Setup, who: string, amount: bigint) {
  return s.chain.execute(who, s.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: DENOM, amount: amount.toString() }]);
}

/** Runs `call`, expects it to fail with `message`, and checks that no state changed. */
function expectRejected(s: Setup, call: () => ReturnType<Chain["execute"]>, message: string | RegExp) {
  const before = snapshotState(s.chain, s.ilp, [s.alice, s.bob, s.lien, s.lien2], DENOM);
  expectErr(call(), message);
  expect(snapshotState(s.chain, s.ilp, [s.alice, s.bob, s.lien, s.lien2], DENOM)).toEqual(before);
}


describe("instantiate", () => {
  it("stores the config and starts with nothing bonded", () => {
    const s = setup();
    expect(s.chain.query(s.ilp, IlpQueryMsgBuilder.config()))
      .toEqual({ denom: DENOM, slash_recipient: null, max_lienholders: 8, lienholder_gas_limit: 500000 });
    expect(s.chain.query(s.ilp, IlpQueryMsgBuilder.totals())).toEqual({ bonded: "0", custody_held: "0", debt: "0" });
    expect(s.chain.query<Ilp.AllAccountsResponse>(s.ilp, IlpQueryMsgBuilder.allAccounts({}))).toEqual({ accounts: [], next_start_after: null });
  });

  it.each([
    [{ denom: "x" }, `${ilpErrors.invalidDenom} 'x'`],
    [{ denom: "1abc" }, `${ilpErrors.invalidDenom} '1abc'`],
    [{ denom: "ustake", extra: 1 }, "instantiate.extra: unknown field"],
    [{}, "instantiate.denom: missing field"],
    [{ denom: 5 }, "instantiate.denom: expected a string, got a number"],
    [{ denom: "ustake", slash_recipient: "cosmos1xyz" }, `${commonErrors.invalidAddress}: slash_recipient 'cosmos1xyz'`],
  ])("rejects %j", (msg, error) => {
    const chain = new Chain({ chainId: "mesh-a", prefix: "wasm", bondDenom: DENOM });
    const code = chain.storeCode(artifact("ilp"));
    expectErr(chain.instantiate(chain.addr("admin"), code, msg, { label: "ilp" }), error);
  });

  it("rejects funds", () => {
    const chain = new Chain({ chainId: "mesh-a", prefix: "wasm", bondDenom: DENOM });
    const admin = chain.addr("admin");
    chain.fund(admin, [{ denom: DENOM, amount: "10" }]);
    const code = chain.storeCode(artifact("ilp"));
    expectErr(chain.instantiate(admin, code, { denom: DENOM }, { label: "ilp", funds: [{ denom: DENOM, amount: "10" }] }),
      commonErrors.fundsNotAccepted);
    expect(chain.balance(admin, DENOM)).toBe(10n);
  });
});

describe("bond", () => {
  it("locks the sent tokens", () => {
    const s = setup();
    expectOk(bond(s, s.alice, 700n));
    expectOk(bond(s, s.alice, 300n));
    expect(account(s, s.alice)).toEqual({ address: s.alice, bonded: "1000", pending_slash: "0", free: "1000", debt: "0", max_claim: "0", claims: [] });
    expect(s.chain.balance(s.alice, DENOM)).toBe(999000n);
    checkIlpInvariants(s.chain, s.ilp, DENOM);
  });

  it("rejects missing, zero, wrong and multiple denominations", () => {
    const s = setup();
    expectRejected(s, () => s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.bond(), []), commonErrors.noFunds);
    expectRejected(s, () => s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: "ucosm", amount: "5" }]),
      `${commonErrors.wrongDenom} 'ustake' to this message, got 'ucosm'`);
    expectRejected(s, () => s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.bond(),
      [{ denom: DENOM, amount: "5" }, { denom: "ucosm", amount: "5" }]), commonErrors.multipleDenoms);
    expectRejected(s, () => s.chain.execute(s.alice, s.ilp, { bond: { amount: "5" } }, [{ denom: DENOM, amount: "5" }]),
      "bond.amount: unknown field");
  });
});

describe("unbond", () => {
  it("returns free collateral and keeps what claims need", () => {
    const s = setup();
    expectOk(bond(s, s.alice, 1000n));
    expectOk(s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: s.lien, amount: "700", validator: "valoper-a" })));
    expectOk(s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.unbond({ amount: "300" })));
    expect(s.chain.balance(s.alice, DENOM)).toBe(999300n);
    expect(account(s, s.alice)).toMatchObject({ bonded: "700", free: "0", max_claim: "700" });
    checkIlpInvariants(s.chain, s.ilp, DENOM);
  });

  it("refuses to unbond beyond the free amount, with the numbers in the error", () => {
    const s = setup();
    expectOk(bond(s, s.alice, 1000n));
    expectOk(s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: s.lien, amount: "600", validator: "valoper-a" })));
    expectRejected(s, () => s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.unbond({ amount: "401" })),
      `${ilpErrors.insufficientFreeCollateral}: cannot unbond 401, only 400 of 1000 bonded is free (the largest claim holds 600)`);
  });

  it("rejects zero, funds, malformed and overflowing amounts", () => {
    const s = setup();
    expectOk(bond(s, s.alice, 10n));
    expectRejected(s, () => s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.unbond({ amount: "0" })),
      `${commonErrors.zeroAmount}: unbond must be greater than zero`);
    expectRejected(s, () => s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.unbond({ amount: "1" }), [{ denom: DENOM, amount: "1" }]),
      commonErrors.fundsNotAccepted);
    expectRejected(s, () => s.chain.execute(s.alice, s.ilp, { unbond: { amount: "-1" } }),
      'invalid unbond.amount: expected a decimal string, got "-1"');
    expectRejected(s, () => s.chain.execute(s.alice, s.ilp, { unbond: { amount: " 1" } }),
      'invalid unbond.amount: expected a decimal string, got " 1"');
    expectRejected(s, () => s.chain.execute(s.alice, s.ilp, { unbond: { amount: 1 } }),
      "unbond.amount: expected a string, got a number");
    expectRejected(s, () => s.chain.execute(s.alice, s.ilp, { unbond: { amount: "340282366920938463463374607431768211456" } }),
      "invalid unbond.amount: 340282366920938463463374607431768211456 overflows Uint128");
    expectRejected(s, () => s.chain.execute(s.bob, s.ilp, IlpExecuteMsgBuilder.unbond({ amount: "1" })),
      `${ilpErrors.insufficientFreeCollateral}: cannot unbond 1, only 0 of 0 bonded is free (the largest claim holds 0)`);
  });
});

describe("grant_claim", () => {
  it("records the claim and delivers it to the lienholder", () => {
    const s = setup();
    expectOk(bond(s, s.alice, 1000n));
    const res = expectOk(s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: s.lien, amount: "400", validator: "valoper-a" })));
    expect(res.events.some((e) => e.type === "wasm" && e.attributes.some((a) => a.key === "action" && a.value === "receive_claim"))).toBe(true);
    expectOk(s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: s.lien, amount: "100", validator: "valoper-a" })));
    expect(s.chain.query(s.lien, { held: { owner: s.alice } })).toEqual({ amount: "500", capped: "0", validator: "valoper-a" });
    expect(account(s, s.alice)).toEqual({
      address: s.alice, bonded: "1000", pending_slash: "0", free: "500", debt: "0", max_claim: "500",
      claims: [{ lienholder: s.lien, amount: "500", max_slash: "0", custody: false, held: "0" }],
    });
    checkIlpInvariants(s.chain, s.ilp, DENOM);
  });

  it("lets one collateral back claims to several lienholders, limited by max(claims)", () => {
    const s = setup();
    expectOk(bond(s, s.alice, 1000n));
    expectOk(s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: s.lien, amount: "700", validator: "valoper-a" })));
    expectOk(s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: s.lien2, amount: "500", validator: "valoper-b" })));
    expect(account(s, s.alice)).toMatchObject({ bonded: "1000", free: "300", max_claim: "700" });
    expectErr(s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.unbond({ amount: "301" })), /cannot unbond 301, only 300/);
    expectOk(s.chain.execute(s.lien, s.lien, { release: { owner: s.alice, amount: "700" } }));
    // Brief: once the 700 claim is released, another 200 can come out.
    expect(account(s, s.alice)).toMatchObject({ free: "500", max_claim: "500" });
    checkIlpInvariants(s.chain, s.ilp, DENOM);
  });

  it("rejects claims above the bonded amount, bad addresses, zero and empty validators", () => {
    const s = setup();
    expectOk(bond(s, s.alice, 1000n));
    expectOk(s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: s.lien, amount: "900", validator: "valoper-a" })));
    expectRejected(s, () => s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: s.lien, amount: "101", validator: "valoper-a" })),
      `${ilpErrors.insufficientCollateral}: a claim of 1001 for ${s.lien} would exceed the 1000 bonded`);
    expectRejected(s, () => s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: "not-an-address", amount: "1", validator: "v" })),
      `${commonErrors.invalidAddress}: lienholder 'not-an-address'`);
    expectRejected(s, () => s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: s.lien.toUpperCase(), amount: "1", validator: "v" })),
      `${commonErrors.invalidAddress}: lienholder '${s.lien.toUpperCase()}'`);
    expectRejected(s, () => s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: s.lien, amount: "0", validator: "v" })),
      `${commonErrors.zeroAmount}: grant_claim must be greater than zero`);
    expectRejected(s, () => s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: s.lien, amount: "1", validator: "" })),
      `${ilpErrors.emptyValidator}: grant_claim needs a validator`);
    expectRejected(s, () => s.chain.execute(s.bob, s.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: s.lien, amount: "1", validator: "v" })),
      `Insufficient collateral: a claim of 1 for ${s.lien} would exceed the 0 bonded`);
  });

  it("rolls back when the lienholder refuses or is not a contract", () => {
    const s = setup();
    expectOk(bond(s, s.alice, 1000n));
    expectRejected(s, () => s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: s.lien, amount: "10", validator: "reject-me" })),
      /lienholder rejects validator reject-me/);
    expectRejected(s, () => s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: s.bob, amount: "10", validator: "v" })), /./);
  });
});

describe("release_claim", () => {
  it("only the lienholder releases; more than the claim releases all of it (a cap may precede the lienholder's news)", () => {
    const s = setup();
    expectOk(bond(s, s.alice, 1000n));
    expectOk(s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: s.lien, amount: "400", validator: "valoper-a" })));
    expectRejected(s, () => s.chain.execute(s.bob, s.ilp, IlpExecuteMsgBuilder.releaseClaim({ owner: s.alice, amount: "1" })),
      `${ilpErrors.noClaim}: ${s.alice} has none held by ${s.bob}`);
    expectRejected(s, () => s.chain.execute(s.lien2, s.ilp, IlpExecuteMsgBuilder.releaseClaim({ owner: s.alice, amount: "1" })),
      `${ilpErrors.noClaim}: ${s.alice} has none held by ${s.lien2}`);
    expectRejected(s, () => s.chain.execute(s.lien, s.lien, { release: { owner: s.alice, amount: "0" } }),
      `${commonErrors.zeroAmount}: release must be greater than zero`);
    expectOk(s.chain.execute(s.lien, s.lien, { release: { owner: s.alice, amount: "150" } }));
    expect(account(s, s.alice)).toMatchObject({ free: "750", claims: [{ lienholder: s.lien, amount: "250", max_slash: "0" }] });
    expectOk(s.chain.execute(s.lien, s.lien, { release: { owner: s.alice, amount: "251" } }));
    expect(account(s, s.alice)).toMatchObject({ free: "1000", claims: [] });
    expectOk(s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: s.lien, amount: "250", validator: "valoper-a" })));
    expectOk(s.chain.execute(s.lien, s.lien, { release: { owner: s.alice, amount: "250" } }));
    expect(account(s, s.alice)).toMatchObject({ free: "1000", claims: [] });
    // Fully released and unbonded: the account record disappears.
    expectOk(s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.unbond({ amount: "1000" })));
    expect(s.chain.query<Ilp.AllAccountsResponse>(s.ilp, IlpQueryMsgBuilder.allAccounts({})).accounts).toEqual([]);
    checkIlpInvariants(s.chain, s.ilp, DENOM);
  });
});

describe("slash_claim", () => {
  it("cuts bonded and the claim, burns the tokens, and caps other claims above the new bonded amount", () => {
    const s = setup();
    expectOk(bond(s, s.alice, 1000n));
    expectOk(s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: s.lien, amount: "900", validator: "valoper-a" })));
    expectOk(s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: s.lien2, amount: "950", validator: "valoper-b" })));
    const res = expectOk(s.chain.execute(s.lien, s.lien, { slash: { owner: s.alice, amount: "100" } }));
    expect(account(s, s.alice)).toEqual({
      address: s.alice, bonded: "900", pending_slash: "0", free: "0", debt: "0", max_claim: "900",
      claims: [{ lienholder: s.lien, amount: "800", max_slash: "0", custody: false, held: "0" }, { lienholder: s.lien2, amount: "900", max_slash: "0", custody: false, held: "0" }].sort((a, b) => (a.lienholder < b.lienholder ? -1 : 1)),
    });
    expect(s.chain.balance(s.ilp, DENOM)).toBe(900n);
    // lien2 was told its claim shrank to 900.
    expect(s.chain.query(s.lien2, { held: { owner: s.alice } })).toMatchObject({ capped: "900", amount: "900" });
    expect(res.events.some((e) => e.attributes.some((a) => a.key === "capped" && a.value === s.lien2))).toBe(true);
    checkIlpInvariants(s.chain, s.ilp, DENOM);
  });

  it("sends slashed collateral to the configured recipient", () => {
    const chainRecipient = "recipient";
    const s = setup({ slashRecipient: new Chain({ chainId: "x", prefix: "wasm", bondDenom: DENOM }).addr(chainRecipient) });
    const recipient = s.chain.addr(chainRecipient);
    expectOk(bond(s, s.alice, 1000n));
    expectOk(s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: s.lien, amount: "500", validator: "valoper-a" })));
    expectOk(s.chain.execute(s.lien, s.lien, { slash: { owner: s.alice, amount: "50" } }));
    expect(s.chain.balance(recipient, DENOM)).toBe(50n);
    checkIlpInvariants(s.chain, s.ilp, DENOM);
  });

  it("is not blocked by a lienholder that fails the cap notification", () => {
    const s = setup({ failCapNotifications: true });
    expectOk(bond(s, s.alice, 1000n));
    expectOk(s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: s.lien, amount: "1000", validator: "valoper-a" })));
    expectOk(s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: s.lien2, amount: "1000", validator: "valoper-b" })));
    // lien (configured to fail notifications) gets capped when lien2 slashes.
    const res = expectOk(s.chain.execute(s.lien2, s.lien2, { slash: { owner: s.alice, amount: "10" } }));
    expect(res.events.some((e) => e.attributes.some((a) => a.value === "claim_capped_notification_failed"))).toBe(true);
    expect(account(s, s.alice)).toMatchObject({ bonded: "990", max_claim: "990" });
    checkIlpInvariants(s.chain, s.ilp, DENOM);
  });

  it("takes at most the claim for a slash beyond it, and rejects slashes from others", () => {
    const s = setup();
    expectOk(bond(s, s.alice, 1000n));
    expectOk(s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: s.lien, amount: "100", validator: "valoper-a" })));
    expectOk(s.chain.execute(s.lien, s.lien, { slash: { owner: s.alice, amount: "101" } }));
    expect(account(s, s.alice)).toMatchObject({ bonded: "900", claims: [] });
    checkIlpInvariants(s.chain, s.ilp, DENOM);
    expectRejected(s, () => s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.slashClaim({ owner: s.alice, amount: "1" })),
      `${ilpErrors.noClaim}: ${s.alice} has none held by ${s.alice}`);
    expectRejected(s, () => s.chain.execute(s.lien, s.lien, { slash: { owner: "bad", amount: "1" } }), `${commonErrors.invalidAddress}: owner 'bad'`);
  });
});

describe("queries and malformed input", () => {
  it("all_accounts ends a page before its lienholder queries exceed the budget a node's query gas allows", () => {
    // 10 accounts with 8 lienholders each: every settled view asks 8 lienholders; a page stops at 24 questions.
    const s = setup();
    const code = s.chain.storeCode(testContract("test-lienholder"));
    const lienholders = Array.from({ length: 8 }, (_, i) => s.chain.instantiate(s.chain.addr("admin"), code, { ilp: s.ilp }, { label: `lh${i}` }).address!);
    const owners: string[] = [];
    for (let i = 0; i < 10; i++) {
      const who = s.chain.addr(`holder${i}`);
      s.chain.fund(who, [{ denom: DENOM, amount: "1000" }]);
      expectOk(bond(s, who, 1000n));
      for (const lh of lienholders) expectOk(s.chain.execute(who, s.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: lh, amount: "100", validator: "v" })));
      owners.push(who);
    }
    owners.sort();
    const pages: string[][] = [];
    let startAfter: string | undefined;
    for (;;) {
      const page = s.chain.query<Ilp.AllAccountsResponse>(s.ilp, IlpQueryMsgBuilder.allAccounts({ startAfter, limit: 30 }));
      pages.push(page.accounts.map((a) => a.address));
      if (page.next_start_after === null) break;
      startAfter = page.next_start_after;
    }
    expect(pages.map((p) => p.length)).toEqual([3, 3, 3, 1]);
    expect(pages.flat()).toEqual(owners);
  });

  it("paginates all_accounts in address order, capped at 30 per page", () => {
    const s = setup();
    const owners: string[] = [];
    for (let i = 0; i < 35; i++) {
      const who = s.chain.addr(`user${i}`);
      s.chain.fund(who, [{ denom: DENOM, amount: "100" }]);
      expectOk(bond(s, who, BigInt(i + 1)));
      owners.push(who);
    }
    owners.sort();
    const first = s.chain.query<Ilp.AllAccountsResponse>(s.ilp, IlpQueryMsgBuilder.allAccounts({ limit: 100 }));
    expect(first.accounts.map((a) => a.address)).toEqual(owners.slice(0, 30));
    expect(first.next_start_after).toBe(owners[29]);
    const second = s.chain.query<Ilp.AllAccountsResponse>(s.ilp, IlpQueryMsgBuilder.allAccounts({ startAfter: owners[29], limit: 100 }));
    expect(second.accounts.map((a) => a.address)).toEqual(owners.slice(30));
    expect(second.next_start_after).toBeNull();
    const small = s.chain.query<Ilp.AllAccountsResponse>(s.ilp, IlpQueryMsgBuilder.allAccounts({ startAfter: owners[0], limit: 2 }));
    expect(small.accounts.map((a) => a.address)).toEqual(owners.slice(1, 3));
    expect(s.chain.query<Ilp.AllAccountsResponse>(s.ilp, IlpQueryMsgBuilder.allAccounts({})).accounts).toHaveLength(10);
    checkIlpInvariants(s.chain, s.ilp, DENOM);
  });

  it("answers unknown accounts with zeros and rejects invalid addresses", () => {
    const s = setup();
    expect(account(s, s.bob)).toEqual({ address: s.bob, bonded: "0", pending_slash: "0", free: "0", debt: "0", max_claim: "0", claims: [] });
    expect(() => s.chain.query(s.ilp, IlpQueryMsgBuilder.account({ address: "nope" }))).toThrow(`${commonErrors.invalidAddress}: address 'nope'`);
    expect(() => s.chain.query(s.ilp, { nope: {} })).toThrow(`${commonErrors.unknownVariant}: query 'nope'; expected one of: config, totals, account, all_accounts`);
  });

  it.each([
    ["{", /^Invalid JSON: unexpected end of input at byte 1/],
    ["{\"bond\":{}} x", /^Invalid JSON: trailing characters/],
    ["{\"bond\":{},\"bond\":{}}", /duplicate key "bond"/],
    ["[]", "execute: expected an object with exactly one key naming the variant"],
    ["{\"bond\":{},\"unbond\":{}}", "execute: expected an object with exactly one key naming the variant"],
    ["{\"bond\":[]}", "execute.bond: expected an object, got an array"],
    ["{\"frobnicate\":{}}", `${commonErrors.unknownVariant}: execute message 'frobnicate'; expected one of: bond, unbond, grant_claim, release_claim, slash_claim`],
    ["{\"unbond\":{\"amount\":\"1\",\"amount2\":\"1\"}}", "unbond.amount2: unknown field"],
    ["{\"unbond\":{\"amount\":\"é\"}}", 'invalid unbond.amount: expected a decimal string, got "é"'],
  ])("execute %s fails cleanly", (raw, error) => {
    const s = setup();
    expectOk(bond(s, s.alice, 10n));
    expectRejected(s, () => s.chain.execute(s.alice, s.ilp, raw), error);
  });
});

describe("slash margin and settled values", () => {
  function withTerms(s: Setup, maxSlash: string): string {
    const code = s.chain.storeCode(testContract("test-lienholder"));
    return s.chain.instantiate(s.alice, code, { ilp: s.ilp, max_slash: maxSlash }, { label: `lien ${maxSlash}` }).address!;
  }

  it("a grant keeps the largest claim + Σ claim × max_slash within the collateral", () => {
    const s = setup();
    const risky = withTerms(s, "0.1");
    expectOk(bond(s, s.alice, 1000n));
    expectOk(s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: risky, amount: "800", validator: "v" })));
    // 900 + ⌈800 × 0.1⌉ = 980 fits; 910 + 80 = 990 fits; 921 + 80 = 1001 does not.
    expectOk(s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: s.lien, amount: "910", validator: "v" })));
    expectRejected(s, () => s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: s.lien, amount: "11", validator: "v" })),
      `${ilpErrors.insufficientSlashMargin}: the claims need 1001 of collateral (largest claim 921 + slash margin 80), 1000 is bonded`);
    expect(account(s, s.alice).claims.find((c) => c.lienholder === risky)).toEqual({ lienholder: risky, amount: "800", max_slash: "0.1", custody: false, held: "0" });
    checkIlpInvariants(s.chain, s.ilp, DENOM);
  });

  it("refuses a lienholder whose max_slash is 1 or more", () => {
    const s = setup();
    const reckless = withTerms(s, "1");
    expectOk(bond(s, s.alice, 1000n));
    expectRejected(s, () => s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: reckless, amount: "1", validator: "v" })),
      `${ilpErrors.invalidLienTerms}: lienholder ${reckless} declares max_slash 1, must be below 1`);
  });

  it("pending slashes count at once: queries show settled values and nobody unbonds collateral a slash already took", () => {
    const s = setup();
    expectOk(bond(s, s.alice, 1000n));
    expectOk(s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: s.lien, amount: "500", validator: "v" })));
    expectOk(s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: s.lien2, amount: "500", validator: "v" })));
    expectOk(s.chain.execute(s.lien, s.lien, { set_pending: { owner: s.alice, amount: "100" } }));
    expect(account(s, s.alice)).toMatchObject({ bonded: "900", pending_slash: "100", free: "400", max_claim: "500" });
    expectRejected(s, () => s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.unbond({ amount: "401" })),
      `${ilpErrors.insufficientFreeCollateral}: cannot unbond 401, only 400 of 900 bonded is free (the largest claim holds 500)`);
    expectOk(s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.unbond({ amount: "400" })));
    // The lienholder takes it: the other claim stays covered, nothing cascades.
    expectOk(s.chain.execute(s.lien, s.lien, { set_pending: { owner: s.alice, amount: "0" } }));
    const slash = s.chain.execute(s.lien, s.lien, { slash: { owner: s.alice, amount: "100" } });
    expectOk(slash);
    expect(account(s, s.alice)).toMatchObject({ bonded: "500", pending_slash: "0", max_claim: "500" });
    checkIlpInvariants(s.chain, s.ilp, DENOM);
  });
});

describe("custody (local staking: the lienholder holds the claim's tokens)", () => {
  /** `local` is a custody lienholder (max_slash 5 %); lien and lien2 hold claims without tokens (remote providers). */
  function custodySetup() {
    const s = setup();
    const local = s.chain.instantiate(s.chain.addr("admin"), s.chain.storeCode(testContract("test-lienholder")),
      { ilp: s.ilp, max_slash: "0.05", custody_denom: DENOM }, { label: "local" }).address!;
    const grant = (lienholder: string, amount: number) =>
      s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder, amount: String(amount), validator: "valoper-h" }));
    const as = (lienholder: string, msg: unknown, funds: { denom: string; amount: string }[] = []) => s.chain.execute(lienholder, s.ilp, msg, funds);
    const tokens = (amount: number) => [{ denom: DENOM, amount: String(amount) }];
    const check = () => checkIlpInvariants(s.chain, s.ilp, DENOM);
    return { s, local, grant, as, tokens, check };
  }

  it("sends a custody claim's tokens to the lienholder; the same collateral still backs remote claims; one custody lienholder per owner", () => {
    const { s, local, grant, check } = custodySetup();
    expectOk(bond(s, s.alice, 1000n));
    const res = expectOk(grant(local, 600));
    expect(s.chain.balance(local, DENOM)).toBe(600n);
    expect(s.chain.balance(s.ilp, DENOM)).toBe(400n);
    expect(res.events.some((e) => e.attributes.some((a) => a.key === "action" && a.value === "receive_claim"))).toBe(true);
    expect(account(s, s.alice)).toEqual({
      address: s.alice, bonded: "1000", pending_slash: "0", free: "400", debt: "0", max_claim: "600",
      claims: [{ lienholder: local, amount: "600", max_slash: "0.05", custody: true, held: "600" }],
    });
    expect(s.chain.query(s.ilp, IlpQueryMsgBuilder.totals())).toEqual({ bonded: "1000", custody_held: "600", debt: "0" });
    // The same collateral backs a remote claim (the margin: 900 + 45 + 30 ≤ 1000).
    expectOk(grant(s.lien, 900));
    expect(account(s, s.alice)).toMatchObject({ bonded: "1000", free: "100", max_claim: "900" });
    check();
    // A custody claim takes only tokens the pool holds for the owner (400 are left: 600 are staked).
    expectRejected(s, () => grant(local, 401), `${ilpErrors.insufficientPoolTokens}: a custody claim of 401 needs tokens the ILP holds for the owner, only 400 are`);
    const second = s.chain.instantiate(s.chain.addr("admin"), s.chain.storeCode(testContract("test-lienholder")),
      { ilp: s.ilp, custody_denom: DENOM }, { label: "local2" }).address!;
    expectRejected(s, () => grant(second, 10), `${ilpErrors.custodyLienholderTaken}: ${s.alice}'s collateral is already in the custody of ${local}`);
    // A lienholder whose terms changed since the grant is refused.
    expectOk(s.chain.execute(local, local, { set_custody_denom: { denom: "" } }));
    expectRejected(s, () => grant(local, 10), `${ilpErrors.custodyTermsChanged}: lienholder ${local}`);
    check();
  });

  it("a release carries the tokens back, exactly; releases of more than is held are refused", () => {
    const { s, local, grant, as, tokens, check } = custodySetup();
    expectOk(bond(s, s.alice, 1000n));
    expectOk(grant(local, 600));
    expectOk(s.chain.execute(local, local, { release: { owner: s.alice, amount: "200" } }));
    expect(account(s, s.alice).claims).toEqual([{ lienholder: local, amount: "400", max_slash: "0.05", custody: true, held: "400" }]);
    expect(s.chain.balance(s.ilp, DENOM)).toBe(600n);
    expect(account(s, s.alice).free).toBe("600");
    check();
    const release = (amount: number) => IlpExecuteMsgBuilder.releaseClaim({ owner: s.alice, amount: String(amount) });
    expectRejected(s, () => as(local, release(100), tokens(99)), `${ilpErrors.custodyReturnMismatch}: release_claim of 100 from a custody lienholder must carry 100 tokens, got 99`);
    expectRejected(s, () => as(local, release(100)), commonErrors.noFunds);
    s.chain.fund(local, tokens(1000));
    expectRejected(s, () => as(local, release(401), tokens(401)), `${ilpErrors.custodyNotHeld}: ${local} holds 400 of ${s.alice}'s tokens, cannot return 401`);
    // Other lienholders hold no tokens: they cannot send any.
    expectOk(grant(s.lien, 300));
    s.chain.fund(s.lien, tokens(10));
    expectRejected(s, () => as(s.lien, release(10), tokens(10)), commonErrors.fundsNotAccepted);
    check();
  });

  it("a custody slash burns nothing here (x/staking did) and caps the remote claims: the cascade", () => {
    const { s, local, grant, check } = custodySetup();
    expectOk(bond(s, s.alice, 1000n));
    expectOk(grant(local, 800));
    expectOk(grant(s.lien, 900));
    const supply = () => s.chain.balance(s.ilp, DENOM) + s.chain.balance(local, DENOM);
    expect(supply()).toBe(1000n);
    // x/staking slashed 200 of the locally staked tokens: the lienholder has them no more and tells the ILP.
    const res = expectOk(s.chain.execute(local, local, { slash: { owner: s.alice, amount: "200" } }));
    expect(account(s, s.alice)).toEqual({
      address: s.alice, bonded: "800", pending_slash: "0", free: "0", debt: "0", max_claim: "800",
      claims: [{ lienholder: local, amount: "600", max_slash: "0.05", custody: true, held: "600" },
        { lienholder: s.lien, amount: "800", max_slash: "0", custody: false, held: "0" }].sort((a, b) => (a.lienholder < b.lienholder ? -1 : 1)),
    });
    expect(s.chain.balance(s.ilp, DENOM)).toBe(200n);
    expect(supply()).toBe(800n);
    // The remote lienholder was told: it unstakes 100 on its consumer chain.
    expect(s.chain.query(s.lien, { held: { owner: s.alice } })).toMatchObject({ capped: "800" });
    expect(res.events.some((e) => e.attributes.some((a) => a.key === "capped" && a.value === s.lien))).toBe(true);
    check();
  });

  it("a remote slash of collateral staked locally burns what the pool holds, owes the rest, and the tokens beyond the capped claim pay it when they return", () => {
    const { s, local, grant, check } = custodySetup();
    expectOk(bond(s, s.alice, 1000n));
    expectOk(grant(local, 800));
    expectOk(grant(s.lien, 800));
    const supplyBefore = s.chain.balance(s.ilp, DENOM) + s.chain.balance(local, DENOM);
    // 400 slashed on the consumer chain: the pool holds 200 of alice's tokens (800 are staked here): 200 burn, 200 owed.
    const res = expectOk(s.chain.execute(s.lien, s.lien, { slash: { owner: s.alice, amount: "400" } }));
    expect(account(s, s.alice)).toEqual({
      address: s.alice, bonded: "600", pending_slash: "0", free: "0", debt: "200", max_claim: "600",
      claims: [{ lienholder: local, amount: "600", max_slash: "0.05", custody: true, held: "800" },
        { lienholder: s.lien, amount: "400", max_slash: "0", custody: false, held: "0" }].sort((a, b) => (a.lienholder < b.lienholder ? -1 : 1)),
    });
    expect(s.chain.balance(s.ilp, DENOM)).toBe(0n);
    expect(s.chain.query(s.ilp, IlpQueryMsgBuilder.totals())).toEqual({ bonded: "600", custody_held: "800", debt: "200" });
    // The custody claim was capped to 600: local staking unstakes the 200 beyond it.
    expect(s.chain.query(local, { held: { owner: s.alice } })).toMatchObject({ capped: "600" });
    expect(res.events.some((e) => e.attributes.some((a) => a.key === "capped" && a.value === local))).toBe(true);
    check();
    // They come back first, without lowering the claim (600 are still held), and pay the debt: burned.
    const back = expectOk(s.chain.execute(local, local, { release: { owner: s.alice, amount: "200" } }));
    expect(back.events.some((e) => e.attributes.some((a) => a.key === "debt_paid" && a.value === "200"))).toBe(true);
    expect(account(s, s.alice)).toMatchObject({ bonded: "600", debt: "0", free: "0", claims: expect.arrayContaining([
      { lienholder: local, amount: "600", max_slash: "0.05", custody: true, held: "600" }]) });
    expect(s.chain.query(s.ilp, IlpQueryMsgBuilder.totals())).toEqual({ bonded: "600", custody_held: "600", debt: "0" });
    expect(s.chain.balance(s.ilp, DENOM) + s.chain.balance(local, DENOM)).toBe(supplyBefore - 400n);
    check();
    // Everything unwinds: the local stake comes back, the remote claim is released, alice takes her 600.
    expectOk(s.chain.execute(local, local, { release: { owner: s.alice, amount: "600" } }));
    expectOk(s.chain.execute(s.lien, s.lien, { release: { owner: s.alice, amount: "400" } }));
    expect(account(s, s.alice)).toMatchObject({ bonded: "600", free: "600", max_claim: "0", claims: [] });
    expectOk(s.chain.execute(s.alice, s.ilp, IlpExecuteMsgBuilder.unbond({ amount: "600" })));
    expect(s.chain.query(s.ilp, IlpQueryMsgBuilder.totals())).toEqual({ bonded: "0", custody_held: "0", debt: "0" });
    expect(s.chain.query<Ilp.AllAccountsResponse>(s.ilp, IlpQueryMsgBuilder.allAccounts({})).accounts).toEqual([]);
    check();
  });

  it("a local slash while tokens are held beyond a capped claim takes them pro rata: the part beyond pays the debt, the rest is the owner's loss", () => {
    const { s, local, grant, check } = custodySetup();
    expectOk(bond(s, s.alice, 1000n));
    expectOk(grant(local, 800));
    expectOk(grant(s.lien, 800));
    expectOk(s.chain.execute(s.lien, s.lien, { slash: { owner: s.alice, amount: "400" } }));
    expect(account(s, s.alice)).toMatchObject({ bonded: "600", debt: "200" });
    // x/staking slashes half of the 800 staked: 100 of the 200 held beyond the claim (owed to the debt), 300 of the claim.
    expectOk(s.chain.execute(local, local, { slash: { owner: s.alice, amount: "400" } }));
    expect(account(s, s.alice)).toMatchObject({ bonded: "300", debt: "100", free: "0", claims: expect.arrayContaining([
      { lienholder: local, amount: "300", max_slash: "0.05", custody: true, held: "400" },
      { lienholder: s.lien, amount: "300", max_slash: "0", custody: false, held: "0" }]) });
    check();
    // Everything comes back: 100 pay the rest of the debt, 300 are alice's.
    expectOk(s.chain.execute(local, local, { release: { owner: s.alice, amount: "400" } }));
    expect(account(s, s.alice)).toMatchObject({ bonded: "300", debt: "0", max_claim: "300" });
    expect(s.chain.balance(s.ilp, DENOM)).toBe(300n);
    check();
  });

  it("bonding while in debt pays the debt first", () => {
    const { s, local, grant, check } = custodySetup();
    expectOk(bond(s, s.alice, 1000n));
    expectOk(grant(local, 900));
    expectOk(grant(s.lien, 500));
    // 300 slashed: 100 in the pool burn, 200 are owed.
    expectOk(s.chain.execute(s.lien, s.lien, { slash: { owner: s.alice, amount: "300" } }));
    expect(account(s, s.alice)).toMatchObject({ bonded: "700", debt: "200" });
    const res = expectOk(bond(s, s.alice, 150n));
    expect(res.events.some((e) => e.attributes.some((a) => a.key === "debt_paid" && a.value === "150"))).toBe(true);
    expect(account(s, s.alice)).toMatchObject({ bonded: "850", debt: "50", free: "0" });
    check();
  });
});

