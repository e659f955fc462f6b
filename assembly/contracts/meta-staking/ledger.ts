// Slashes of unbonding entries (docs/slashing.md §1, "Unbonding stake"). x/staking also slashes the unbonding
// entries of a validator created after the infraction (double-sign evidence can be weeks old); no contract query
// shows entries, but their payout does: when an entry matures, x/staking pays what is left of it into our balance.
// Rewards are held apart (rewards.ts), so every other change of the bond-denom balance is one of our own messages,
// whose amounts we know. The ledger keeps `book`, the balance there would be without matured entries and without
// tokens others sent us; at the start of every execution, once every entry that may have matured surely has, the
// balance is compared with book + Σ those entries: a shortfall is what x/staking took from them. It is recorded as
// a slash event of the entry's batch (`unbonding: true`), which the consumers forward to their providers like any
// other. A surplus is a gift to the fund.
import { Decimal, Env, MessageInfo, Order, Response, Uint128, queryAllValidators, queryBalance, u64Key } from "../../sdk";
import { createSlashEvent } from "../../shared/meta-staking.codec";
import {
  BATCH_ENTRIES, BatchTime, LEDGER, Ledger, MATURING, Maturing, SLASHING, SLASH_EVENTS, batchEntryKey, loadSlashState, maturingKey, slashEventKey,
  validatorKey,
} from "./state";

/** Bond-denom amounts of this execution's own messages: added to the book when it succeeds. */
let inflow = Uint128.zero();
let outflow = Uint128.zero();
let fundsIn = Uint128.zero();
let withdrawals: u32 = 0;
let attributes = new Array<string>();

/** A withdrawal of rewards in the bond denom, or any other message that pays us. */
export function noteInflow(amount: Uint128): void { inflow = inflow.checkedAdd(amount)!; }
/** A reward withdrawal message: x/distribution may pay it a unit below what it reported (see beginLedger). */
export function noteWithdrawal(): void { withdrawals++; }
/** A delegation or a bank send from our balance. */
export function noteOutflow(amount: Uint128): void { outflow = outflow.checkedAdd(amount)!; }

/**
 * Reconciles matured entries; call first in every execution. Entries completing at or before the time of an earlier
 * block in which we executed (`prior`) have been paid; if one may have completed since (between `prior` and now),
 * reconciliation waits for a later execution, so the balance never mixes paid and unpaid entries. Returns false
 * when a query or the arithmetic failed (error recorded).
 */
export function beginLedger(env: Env, info: MessageInfo | null, denom: string): bool {
  inflow = Uint128.zero();
  outflow = Uint128.zero();
  fundsIn = Uint128.zero();
  withdrawals = 0;
  attributes = new Array<string>();
  if (info != null) {
    for (let i = 0; i < info.funds.length; i++) {
      if (info.funds[i].denom == denom) fundsIn = fundsIn.checkedAdd(info.funds[i].amount)!;
    }
  }
  const balance = queryBalance(env.contractAddress, denom);
  if (balance == null) return false;
  const actual = balance.checkedSub(fundsIn);
  if (actual == null) return false;
  const now = env.block.timeNanos;
  let ledger = LEDGER.may_load();
  // First execution with a ledger (a new contract, or one migrated from before it): what is there is the book.
  if (ledger == null) ledger = new Ledger(actual, Uint128.zero(), 0, now);
  if (now > ledger.last) {
    ledger.prior = ledger.last;
    ledger.last = now;
  }
  const uncertain = MATURING.range([], u64Key(ledger.prior + 1), false, u64Key(now + 1), Order.Ascending).next();
  if (uncertain == null) {
    const matured = new Array<Maturing>();
    const keys = new Array<Uint8Array>();
    const it = MATURING.range([], null, false, u64Key(ledger.prior + 1), Order.Ascending);
    let expected = ledger.book; // + Σ matured − deficit, compared with actual + deficit
    for (let e = it.next(); e != null; e = it.next()) {
      matured.push(e.value);
      keys.push(e.key);
      const sum = expected.checkedAdd(e.value.amount);
      if (sum == null) return false;
      expected = sum;
    }
    for (let i = 0; i < keys.length; i++) {
      MATURING.remove([keys[i]]);
      BATCH_ENTRIES.remove(batchEntryKey(matured[i].validator, matured[i].batch));
    }
    const have = actual.checkedAdd(ledger.deficit);
    if (have == null) return false;
    // x/distribution may pay a withdrawal a unit below what the Delegation query reported (it caps it at the
    // validator's outstanding rewards): one unit per withdrawal since the last reconciliation is tolerated.
    const shortfall = expected.saturatingSub(have);
    if (shortfall.gt(Uint128.fromU64(<u64>ledger.withdrawals + 1))) {
      if (!attribute(env, matured, shortfall)) return false;
    }
    ledger.book = actual;
    ledger.deficit = Uint128.zero();
    ledger.withdrawals = 0;
  }
  LEDGER.save(ledger);
  return true;
}

/** End of a successful execution: the book follows what our own messages will do to the balance. */
export function endLedger(response: Response): bool {
  const ledger = LEDGER.load();
  ledger.add(fundsIn);
  ledger.add(inflow);
  ledger.sub(outflow);
  ledger.withdrawals += withdrawals;
  LEDGER.save(ledger);
  for (let i = 0; i + 1 < attributes.length; i += 2) response.addAttribute(attributes[i], attributes[i + 1]);
  return true;
}

/**
 * Splits a shortfall among the entries that matured. x/staking slashes an entry only together with its validator and
 * by the same fractions, so each entry could have lost at most amount × (1 − Π (1 − f)) over the bonded slash events
 * of its validator observed after the entry was created: the shortfall goes pro rata to those bounds (to the
 * amounts if no entry had such an event: the slash was not seen on bonded stake, e.g. nobody was left on it).
 * Entries that mature together (one crank flushes many validators) are told apart this way. Each part, at most the
 * entry, becomes a slash event of the entry's batch, its fraction rounded up.
 */
function attribute(env: Env, matured: Maturing[], shortfall: Uint128): bool {
  attributes.push("unbonding_shortfall");
  attributes.push(shortfall.toString());
  if (matured.length == 0) return true; // not ours to explain (nothing matured): the fund bears it
  const weights = new Array<Uint128>();
  let total = Uint128.zero();
  for (let i = 0; i < matured.length; i++) {
    const bound = lossBound(matured[i]);
    if (bound == null) return false;
    weights.push(bound);
    total = total.checkedAdd(bound)!;
  }
  if (total.isZero()) {
    for (let i = 0; i < matured.length; i++) {
      weights[i] = matured[i].amount;
      total = total.checkedAdd(matured[i].amount)!;
    }
  }
  if (total.isZero()) return true;
  const active = queryAllValidators();
  if (active == null) return false;
  let left = shortfall;
  for (let i = 0; i < matured.length && !left.isZero(); i++) {
    const entry = matured[i];
    const share = shortfall.mulDivCeil(weights[i], total);
    if (share == null) return false;
    const loss = share.min(left).min(entry.amount);
    if (loss.isZero()) continue;
    left = left.checkedSub(loss)!;
    const fraction = Decimal.fromRatioCeil(loss, entry.amount);
    if (fraction == null) return false;
    const state = loadSlashState(entry.validator);
    state.seq += 1;
    SLASHING.save(validatorKey(entry.validator), state);
    const event = createSlashEvent(entry.validator, state.seq, fraction, state.cumulative, entry.batch, env.block.height,
      env.block.timeNanos, !active.includes(entry.validator), true);
    SLASH_EVENTS.save(slashEventKey(entry.validator, state.seq), event);
    attributes.push("slash_validator");
    attributes.push(entry.validator);
    attributes.push("slash_seq");
    attributes.push(state.seq.toString());
    attributes.push("slash_batch");
    attributes.push(entry.batch.toString());
    attributes.push("slash_fraction");
    attributes.push(fraction.toString());
  }
  return true;
}

/** The most x/staking can have taken from the entry: amount × (1 − Π (1 − f)) over later bonded events, rounded up. */
function lossBound(entry: Maturing): Uint128 | null {
  let kept = Decimal.one();
  const it = SLASH_EVENTS.range(validatorKey(entry.validator), null, false, null, Order.Descending);
  for (let e = it.next(); e != null; e = it.next()) {
    if (<u64>e.value.time <= entry.createdNanos) break;
    if (e.value.unbonding) continue;
    const keep = Decimal.one().checkedSub(e.value.fraction);
    const next = keep != null ? kept.checkedMul(keep) : null;
    if (next == null) return null;
    kept = next;
  }
  const left = kept.mulFloor(entry.amount);
  return left != null ? entry.amount.checkedSub(left) : null;
}

/** Records an x/staking unbonding entry of batch `batch` (from the undelegation's response). */
export function recordMaturing(env: Env, validator: string, batch: u64, amount: Uint128, completionNanos: u64): void {
  MATURING.save(maturingKey(completionNanos, validator), new Maturing(validator, batch, amount, env.block.timeNanos));
  BATCH_ENTRIES.save(batchEntryKey(validator, batch), new BatchTime(completionNanos));
}
