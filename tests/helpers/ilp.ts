// Assertions shared by the ILP tests: transaction outcomes, full-state snapshots (to prove a rejected call changed
// nothing) and the ILP invariants.
import type { Chain, TxResult } from "../../src/host";
import { IlpQueryMsgBuilder } from "../../src/contracts/Ilp.message-builder";
import type * as Ilp from "../../src/contracts/Ilp.types";

export type OkResult = Extract<TxResult, { ok: true }>;

export function expectOk<T extends TxResult>(res: T): T & OkResult {
  if (!res.ok) throw new Error(`expected success, got error: ${res.error}`);
  return res as T & OkResult;
}

export function expectErr(res: TxResult, message: string | RegExp): void {
  if (res.ok) throw new Error(`expected an error matching ${message}, but the call succeeded`);
  expect(res.vmError).toBe(false);
  if (typeof message === "string") expect(res.error).toContain(message);
  else expect(res.error).toMatch(message);
}

/** Every account of the ILP, following pagination to the end. */
export function allIlpAccounts(chain: Chain, ilp: string): Ilp.AccountResponse[] {
  const out: Ilp.AccountResponse[] = [];
  let startAfter: string | undefined;
  for (;;) {
    const page = chain.query<Ilp.AllAccountsResponse>(ilp, IlpQueryMsgBuilder.allAccounts({ startAfter, limit: 30 }));
    out.push(...page.accounts);
    if (page.next_start_after === null) return out;
    startAfter = page.next_start_after;
  }
}

/**
 * max(claims) ≤ bonded for every account; free = min(bonded − max(claims), what the pool holds for the owner);
 * balance + Σ custody held − Σ debt = Σ bonded = totals (custody lienholders hold tokens of their claims, at least
 * the claim; a debt is a slash not yet burned, at most what a custody lienholder holds beyond the owner's bonded).
 */
export function checkIlpInvariants(chain: Chain, ilp: string, denom: string): void {
  const accounts = allIlpAccounts(chain, ilp);
  let sum = 0n;
  let held = 0n;
  let debt = 0n;
  let anyPending = false;
  for (const a of accounts) {
    const bonded = BigInt(a.bonded);
    const max = a.claims.reduce((m, c) => (BigInt(c.amount) > m ? BigInt(c.amount) : m), 0n);
    expect(BigInt(a.max_claim)).toBe(max);
    expect(max <= bonded).toBe(true);
    const pending = BigInt(a.pending_slash);
    const custody = a.claims.filter((c) => c.custody);
    expect(custody.length <= 1).toBe(true);
    const ownerHeld = custody.reduce((s, c) => s + BigInt(c.held), 0n);
    for (const c of custody) expect(BigInt(c.held) >= BigInt(c.amount)).toBe(true);
    for (const c of a.claims.filter((x) => !x.custody)) expect(c.held).toBe("0");
    const ownerDebt = BigInt(a.debt);
    // Nothing is owed while the pool still holds tokens of the owner: a slash burns those first.
    const inPool = bonded + ownerDebt - ownerHeld;
    expect(inPool >= 0n).toBe(true);
    if (pending === 0n) {
      expect(ownerDebt === 0n || inPool === 0n).toBe(true);
      expect(BigInt(a.free)).toBe([bonded - max, inPool].reduce((x, y) => (x < y ? x : y)));
    } else {
      expect(BigInt(a.free) <= bonded - max).toBe(true);
    }
    // Queries show settled values: a pending slash is already deducted from bonded and the claims (and may have
    // taken a whole claim), while the tokens are still held until the lienholder settles the owner.
    for (const c of a.claims) expect(BigInt(c.amount) > 0n || BigInt(c.held) > 0n || pending > 0n).toBe(true);
    expect(bonded > 0n || a.claims.length > 0 || ownerDebt > 0n).toBe(true);
    sum += bonded + pending;
    held += ownerHeld;
    debt += ownerDebt;
    anyPending ||= pending > 0n;
  }
  const totals = chain.query<Ilp.TotalsResponse>(ilp, IlpQueryMsgBuilder.totals());
  expect(BigInt(totals.bonded)).toBe(sum);
  // Settled views take a pending custody slash off `held` (x/staking burned it) and the debt it pays; the totals
  // follow at settlement.
  if (!anyPending) {
    expect(BigInt(totals.custody_held)).toBe(held);
    expect(BigInt(totals.debt)).toBe(debt);
  }
  expect(chain.balance(ilp, denom) + BigInt(totals.custody_held) - BigInt(totals.debt)).toBe(BigInt(totals.bonded));
}

/** Everything observable about the ILP and some addresses, to compare before and after a call. */
export function snapshotState(chain: Chain, ilp: string, addresses: string[], denom: string): unknown {
  return {
    accounts: allIlpAccounts(chain, ilp),
    totals: chain.query(ilp, IlpQueryMsgBuilder.totals()),
    balances: [ilp, ...addresses].map((a) => chain.allBalances(a)),
  };
}
