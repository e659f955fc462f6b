// Power follows value (docs/economics.md §2–5): the permissionless `revalue` crank sets each validator's delegation
// to what its provider stake is worth now — value × price × (1 − discount) × factor, where meta-staking's power rules
// give the factor (the cap and the local minimum, §3–4) — delegating or undelegating the difference (undelegations
// join meta-staking's batches). The provider's amounts never change because of price; only our delegations do.
// The first page also sends the provider the validator set when it changed (§5; stake and unstake packets do too).
import {
  capLimit, Env, MessageInfo, nonpayable, queryAllValidators, readPage, Response, takeError, Uint128, WasmMsg,
} from "../../sdk";
import { DelegationResponse } from "../../shared/meta-staking";
import { createDelegate, createReportRequested, createUndelegate, encodeDelegate, encodeReportRequested, encodeUndelegate } from "../../shared/meta-staking.codec";
import { callThenForward, conversion, currentPrice, delegationView, powerView, priceNow, pushValidatorSet } from "./ibc";
import { createEconomicsResponse, encodeEconomicsResponse } from "./msg.codec";
import { CONFIG, RECORDS, StakeRecord, loadProviderTotal, recordKey, revalueRecord } from "./state";

/** Validators one revalue call adjusts by default, and at most. */
export const REVALUE_PAGE: u32 = 30;

export function revalue(env: Env, info: MessageInfo, startAfter: string | null, limit: u32): Response | null {
  if (!nonpayable(info)) return null;
  const config = CONFIG.load();
  const response = new Response().addAttribute("action", "revalue");
  const price = currentPrice(response);
  if (price == null) return null;
  const perValue = conversion(price);
  if (perValue == null) return null;
  const page = capLimit(limit, REVALUE_PAGE);
  const validators = readPage(RECORDS, [], startAfter, page, (validator: string, _: StakeRecord): string => validator);
  // What each record stands for now (slashes seen by meta-staking included), so the total priced below is current.
  const records = new Array<StakeRecord>();
  const views = new Array<DelegationResponse>();
  for (let i = 0; i < validators.length; i++) {
    const view = delegationView(env, validators[i]);
    if (view == null) return null;
    const record = RECORDS.may_load(recordKey(validators[i]))!;
    const value = view.cumulative.mulFloor(record.shares);
    if (value == null) return null;
    revalueRecord(record, value);
    records.push(record);
    views.push(view);
  }
  const requested = perValue.mulFloor(loadProviderTotal());
  if (requested == null) return null;
  const power = powerView(env, requested);
  if (power == null) return null;
  const perValueNow = perValue.checkedMul(power.factor);
  if (perValueNow == null) return null;
  // The report first: meta-staking scales the other consumers by what we request now.
  response.addMessage(WasmMsg.execute(config.metaStaking, encodeReportRequested(createReportRequested(requested)), []));

  // Room left under the allowance, the cap and the local minimum; undelegations free room under the first two at
  // once (the local minimum counts queued stake as bonded until its batch leaves, so they free none there).
  let roomOwn = views.length > 0 ? views[0].allowance.saturatingSub(power.delegated) : Uint128.zero();
  const cap = power.cap;
  if (cap != null) roomOwn = roomOwn.min(cap.saturatingSub(power.delegated));
  const maxRemote = power.maxRemote;
  let roomRemote = maxRemote != null ? maxRemote.saturatingSub(power.remote) : Uint128.max();
  const targets = new Array<Uint128>();
  let undelegated = Uint128.zero();
  for (let i = 0; i < records.length; i++) {
    const target = perValueNow.mulFloor(records[i].value);
    if (target == null) return null;
    targets.push(target);
    const current = views[i].amount;
    if (!target.lt(current)) continue;
    const less = current.checkedSub(target)!;
    response.addSubMessage(callThenForward(config.metaStaking, encodeUndelegate(createUndelegate(validators[i], less)), validators[i]));
    roomOwn = roomOwn.checkedAdd(less)!;
    undelegated = undelegated.checkedAdd(less)!;
  }
  const active = queryAllValidators();
  if (active == null) return null;
  let delegated = Uint128.zero();
  let held = 0;
  for (let i = 0; i < records.length; i++) {
    const current = views[i].amount;
    if (!targets[i].gt(current)) continue;
    // A validator out of the bonded set, or slashed to nothing, takes no new delegation; it is re-valued when back.
    if (!active.includes(validators[i]) || views[i].cumulative.isZero()) {
      held++;
      continue;
    }
    const more = targets[i].checkedSub(current)!.min(roomOwn).min(roomRemote);
    if (more.isZero()) {
      held++;
      continue;
    }
    response.addSubMessage(callThenForward(config.metaStaking, encodeDelegate(createDelegate(validators[i], more)), validators[i]));
    roomOwn = roomOwn.checkedSub(more)!;
    roomRemote = roomRemote.checkedSub(more)!;
    delegated = delegated.checkedAdd(more)!;
  }
  for (let i = 0; i < records.length; i++) RECORDS.save(recordKey(validators[i]), records[i]);

  if (startAfter == null && !pushValidatorSet(env, response)) return null;
  response
    .addAttribute("price", price.toString())
    .addAttribute("requested", requested.toString())
    .addAttribute("factor", power.factor.toString())
    .addAttribute("validators", validators.length.toString())
    .addAttribute("delegated", delegated.toString())
    .addAttribute("undelegated", undelegated.toString())
    .addAttribute("held", held.toString());
  if (page > 0 && <u32>validators.length == page) response.addAttribute("next_start_after", validators[validators.length - 1]);
  return response;
}

/**
 * The price now (or why there is none), the provider total it values, and meta-staking's power rules with that value
 * as the request: what the next revalue would aim for.
 */
export function economicsQuery(env: Env): string | null {
  const config = CONFIG.load();
  const total = loadProviderTotal();
  const answer = priceNow();
  const price = answer != null ? answer.price : null;
  const updatedAt: u64 = answer != null ? answer.updatedAt : 0;
  const priceError = answer == null ? takeError() : null;
  let requested: Uint128 | null = null;
  if (price != null) {
    const perValue = conversion(price);
    if (perValue == null) return null;
    requested = perValue.mulFloor(total);
    if (requested == null) return null;
  }
  const power = powerView(env, requested);
  if (power == null) return null;
  return encodeEconomicsResponse(createEconomicsResponse(price, updatedAt, priceError, config.discount, total, requested, power));
}
