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

/** max(claims) ≤ bonded for every account; balance = Σ bonded = totals; free = bonded − max(claims). */
export function checkIlpInvariants(chain: Chain, ilp: string, denom: string): void {
  const accounts = allIlpAccounts(chain, ilp);
  let sum = 0n;
  for (const a of accounts) {
    const bonded = BigInt(a.bonded);
    const max = a.claims.reduce((m, c) => (BigInt(c.amount) > m ? BigInt(c.amount) : m), 0n);
    expect(BigInt(a.max_claim)).toBe(max);
    expect(max <= bonded).toBe(true);
    expect(BigInt(a.free)).toBe(bonded - max);
    // Queries show settled values: a pending slash is already deducted from bonded and the claims (and may have
    // taken a whole claim), while the tokens are still held until the lienholder settles the owner.
    const pending = BigInt(a.pending_slash);
    for (const c of a.claims) expect(BigInt(c.amount) > 0n || pending > 0n).toBe(true);
    expect(bonded > 0n || a.claims.length > 0).toBe(true);
    sum += bonded + pending;
  }
  const totals = chain.query<Ilp.TotalsResponse>(ilp, IlpQueryMsgBuilder.totals());
  expect(BigInt(totals.bonded)).toBe(sum);
  expect(chain.balance(ilp, denom)).toBe(sum);
}

/** Everything observable about the ILP and some addresses, to compare before and after a call. */
export function snapshotState(chain: Chain, ilp: string, addresses: string[], denom: string): unknown {
  return {
    accounts: allIlpAccounts(chain, ilp),
    totals: chain.query(ilp, IlpQueryMsgBuilder.totals()),
    balances: [ilp, ...addresses].map((a) => chain.allBalances(a)),
  };
}
