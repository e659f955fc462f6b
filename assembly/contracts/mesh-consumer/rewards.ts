// mesh-consumer's rewards (docs/rewards.md §2): anyone triggers distribute_rewards; the contract claims what
// meta-staking owes it (a sub-message whose reply data is the per-validator split), keeps the governance-set
// commission, and sends the rest to the provider contract with one ICS-20 transfer per denom, on the transfer channel
// of the mesh connection. The memo carries the split, a destination callback to the provider (which credits the
// stakers) and a source callback to this contract: an error ack or a timeout refunds the tokens here, and the round's
// split goes back to `waiting`, sent with the next distribution. Per denom, at every step:
//   claimed = commission + delivered + Σ waiting + Σ in flight.
import {
  Amount, addCoin, addSeconds, BankMsg, Coin, Decimal, Env, fail, fromUtf8, IbcMsg, IbcSourceCallbackMsg, IbcTimeout, MessageInfo, Order,
  parseJson, Reply, ReplyOn, Response, SubMsg, Uint128, WasmMsg, clearError, nonpayable, onlyAdmin, splitFirstKey, u64FromKey, u64Key,
  utf8, validateAddress,
} from "../../sdk";
import { Ack } from "../../shared/ack";
import { CHANNEL, checkTransferChannel, contractOfPort } from "../../shared/channel";
import { RewardInfo } from "../../shared/meta-staking";
import { claimedRewards } from "../../shared/claimed-rewards";
import { createClaimRewards, createRewardInfo, encodeClaimRewards } from "../../shared/meta-staking.codec";
import {
  createCallbackAddress, createRewardsMemo, createRewardsSplit, createValidatorReward, decodeIcs20Packet, decodeRewardsMemo, encodeRewardsMemo,
} from "../../shared/packets.codec";
import { ValidatorReward } from "../../shared/packets";
import { commissionRecipientRequired, invalidCommission, noChannel, nothingToDistribute, rewardsNotConfigured } from "./errors";
import { DistributeRewards, RewardRoundInfo, RewardTotal, SetRewardConfig } from "./msg";
import { createDistributionResponse, createRewardRoundInfo, createRewardTotal, encodeDistributionResponse } from "./msg.codec";
import { CONFIG, REWARDS_WAITING, REWARD_CONFIG, REWARD_ROUNDS, REWARD_STATE, REWARD_TOTALS, RewardConfig, RewardState, RewardTotals, Round, loadTotals, waitingKey } from "./state";

/** Reply id of meta-staking's claim_rewards (success only): its data is the split that was paid. */
export const REPLY_CLAIM_REWARDS: u64 = 3;
/**
 * Validators one transfer's memo carries at most; the rest wait for the next round. The provider's destination
 * callback costs ~14 000 gas per validator (docs/rewards.md §6) within ibc-go's 1 000 000 callback limit.
 */
const MAX_SPLIT: i32 = 30;

export function setRewardConfig(info: MessageInfo, msg: SetRewardConfig): Response | null {
  const config = CONFIG.load();
  if (!nonpayable(info) || !onlyAdmin(info, config.admin)) return null;
  if (!msg.commission.lt(Decimal.one())) return fail<Response>(invalidCommission(msg.commission));
  const recipient = msg.commissionRecipient;
  if (recipient != null && validateAddress(recipient, "commission_recipient") == null) return null;
  if (recipient == null && !msg.commission.isZero()) return fail<Response>(commissionRecipientRequired());
  // The mesh connection: the live channel's, else the one governance set for the provider.
  const channel = CHANNEL.may_load();
  const provider = config.provider;
  if (channel == null && provider == null) return fail<Response>(noChannel());
  const connection = channel != null ? channel.connectionId : provider!.connectionId;
  if (!checkTransferChannel(msg.transferChannel, connection)) return null;
  REWARD_CONFIG.save(new RewardConfig(msg.transferChannel, msg.commission, recipient));
  if (REWARD_STATE.may_load() == null) REWARD_STATE.save(new RewardState(1));
  return new Response().addAttribute("action", "set_reward_config").addAttribute("transfer_channel", msg.transferChannel)
    .addAttribute("commission", msg.commission.toString());
}

/** Anyone: claim from meta-staking; the reply sends what is due. */
export function distributeRewards(info: MessageInfo, msg: DistributeRewards): Response | null {
  if (!nonpayable(info)) return null;
  if (REWARD_CONFIG.may_load() == null) return fail<Response>(rewardsNotConfigured());
  if (CHANNEL.may_load() == null) return fail<Response>(noChannel());
  // meta-staking harvests a page of validators per claim: continue where the last claim stopped, wrapping around.
  const claim = WasmMsg.execute(CONFIG.load().metaStaking, encodeClaimRewards(createClaimRewards(REWARD_STATE.load().claimAfter, msg.limit)), []);
  return new Response().addSubMessage(new SubMsg(REPLY_CLAIM_REWARDS, claim, ReplyOn.Success))
    .addAttribute("action", "distribute_rewards");
}

function addWaiting(denom: string, validator: string, amount: Uint128): bool {
  if (amount.isZero()) return true;
  const key = waitingKey(denom, validator);
  const w = REWARDS_WAITING.may_load(key);
  const total = amount.checkedAdd(w != null ? w.amount : Uint128.zero());
  if (total == null) return false;
  REWARDS_WAITING.save(key, new Amount(total));
  return true;
}

/**
 * After the claim: books what was paid (commission out, the rest waiting), then sends everything waiting, one
 * transfer per denom. Fails (reverting the claim too) only when a claim from the first validator finds nothing to send.
 */
export function afterClaim(env: Env, reply: Reply): Response | null {
  const paid = claimedRewards(reply);
  if (paid == null) return null;
  const settings = REWARD_CONFIG.load();
  const cursor = REWARD_STATE.load();
  const resumed = cursor.claimAfter != null;
  cursor.claimAfter = paid.nextStartAfter;
  REWARD_STATE.save(cursor);
  const response = new Response().addAttribute("action", "rewards_claimed");
  const claimed = new Array<Coin>();
  const commission = new Array<Coin>();
  for (let i = 0; i < paid.rewards.length; i++) {
    const r = paid.rewards[i];
    const kept = settings.commission.mulFloor(r.amount);
    if (kept == null) return null;
    if (!addWaiting(r.denom, r.validator, r.amount.checkedSub(kept)!) || !addCoin(claimed, r.denom, r.amount)) return null;
    if (!kept.isZero() && !addCoin(commission, r.denom, kept)) return null;
  }
  // The totals once per denom, not once per validator.
  for (let i = 0; i < claimed.length; i++) {
    const denom = claimed[i].denom;
    const totals = loadTotals(denom);
    const sum = totals.claimed.checkedAdd(claimed[i].amount);
    if (sum == null) return null;
    totals.claimed = sum;
    for (let c = 0; c < commission.length; c++) {
      if (commission[c].denom != denom) continue;
      const kept = totals.commission.checkedAdd(commission[c].amount);
      if (kept == null) return null;
      totals.commission = kept;
    }
    REWARD_TOTALS.save([utf8(denom)], totals);
  }
  const recipient = settings.commissionRecipient;
  if (commission.length > 0 && recipient != null) response.addMessage(BankMsg.send(recipient, commission));
  const sent = sendWaiting(env, settings, response);
  if (sent < 0) return null;
  // Nothing at all: refused (so a crank learns it), unless the claim continued from a cursor — the validators after it
  // may have left — and then the cursor's move must stay, or every later claim would start there again.
  if (sent == 0 && commission.length == 0) {
    if (!resumed) return fail<Response>(nothingToDistribute());
    return response.addAttribute("transfers", "0").addAttribute("claim_restarts", cursor.claimAfter == null ? "true" : "false");
  }
  return response.addAttribute("transfers", sent.toString());
}


/** Sends what is waiting, one transfer per denom (up to MAX_SPLIT validators each); returns the count, -1 on error. */
function sendWaiting(env: Env, settings: RewardConfig, response: Response): i32 {
  const config = CONFIG.load();
  const provider = config.provider;
  if (provider == null) {
    fail<string>(noChannel());
    return -1;
  }
  const providerAddress = contractOfPort(provider.portId);
  if (providerAddress == null) return -1;
  const at = addSeconds(env.block.timeNanos, config.packetTimeoutSeconds);
  if (at == 0) return -1;
  // Group the waiting entries by denom (keys are (denom, validator): denoms come in order).
  const denoms = new Array<string>();
  const splits = new Array<Array<ValidatorReward>>();
  const it = REWARDS_WAITING.range([], null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) {
    const parts = splitFirstKey(e.key);
    const denom = fromUtf8(parts[0]);
    if (denoms.length == 0 || denoms[denoms.length - 1] != denom) {
      denoms.push(denom);
      splits.push(new Array<ValidatorReward>());
    }
    const split = splits[splits.length - 1];
    if (split.length < MAX_SPLIT) split.push(createValidatorReward(fromUtf8(parts[1]), e.value.amount));
  }
  const state = REWARD_STATE.load();
  for (let d = 0; d < denoms.length; d++) {
    const split = splits[d];
    const validators = new Array<string>();
    const amounts = new Array<Uint128>();
    for (let i = 0; i < split.length; i++) {
      validators.push(split[i].validator);
      amounts.push(split[i].amount);
      REWARDS_WAITING.remove(waitingKey(denoms[d], split[i].validator));
    }
    const round = new Round(denoms[d], validators, amounts);
    const total = round.total();
    const id = state.nextRound;
    state.nextRound = id + 1;
    REWARD_ROUNDS.save([u64Key(id)], round);
    const memo = createRewardsMemo(createRewardsSplit(id, split), createCallbackAddress(providerAddress), createCallbackAddress(env.contractAddress));
    response.addMessage(IbcMsg.transfer(settings.transferChannel, providerAddress, new Coin(denoms[d], total), IbcTimeout.atTimestamp(at),
      encodeRewardsMemo(memo)));
    response.addAttribute("round", id.toString() + ":" + total.toString() + denoms[d]);
  }
  REWARD_STATE.save(state);
  return denoms.length;
}

/**
 * ibc_source_callback: a reward transfer was acknowledged or timed out (wasmd calls this only for transfers this
 * contract sent). Delivered: the round is done. Refunded (error ack or timeout): its split waits for the next
 * distribution. A packet that is not one of our rounds changes nothing.
 */
export function ibcSourceCallback(env: Env, msg: IbcSourceCallbackMsg): Response | null {
  const response = new Response().addAttribute("action", "reward_transfer_callback");
  const data = decodeIcs20Packet(parseJson(msg.packet.data), "transfer packet");
  const memoText = data != null ? data.memo : null;
  const memo = memoText != null ? decodeRewardsMemo(parseJson(Uint8Array.wrap(String.UTF8.encode(memoText, false))), "memo") : null;
  if (memo == null) {
    clearError();
    return response.addAttribute("outcome", "not_a_reward_round");
  }
  const id = memo.meshRewards.round;
  const key = [u64Key(id)];
  const round = REWARD_ROUNDS.may_load(key);
  if (round == null) return response.addAttribute("outcome", "unknown_round").addAttribute("round", id.toString());
  REWARD_ROUNDS.remove(key);
  const ack = msg.acknowledgement;
  const delivered = ack != null && Ack.parse(ack).ok;
  if (delivered) {
    const totals = loadTotals(round.denom);
    totals.delivered = totals.delivered.checkedAdd(round.total())!;
    REWARD_TOTALS.save([utf8(round.denom)], totals);
  } else {
    for (let i = 0; i < round.validators.length; i++) {
      if (!addWaiting(round.denom, round.validators[i], round.amounts[i])) return null;
    }
  }
  return response.addAttribute("outcome", delivered ? "delivered" : ack != null ? "refunded" : "timed_out")
    .addAttribute("round", id.toString()).addAttribute("amount", round.total().toString() + round.denom);
}

/** The distribution query: totals per denom, what waits, what is in flight. */
export function distributionQuery(): string {
  const totals = new Array<RewardTotal>();
  const tit = REWARD_TOTALS.range([], null, false, null, Order.Ascending);
  for (let e = tit.next(); e != null; e = tit.next()) {
    totals.push(createRewardTotal(fromUtf8(e.key), e.value.claimed, e.value.commission, e.value.delivered));
  }
  const waiting = new Array<RewardInfo>();
  const wit = REWARDS_WAITING.range([], null, false, null, Order.Ascending);
  for (let e = wit.next(); e != null; e = wit.next()) {
    const parts = splitFirstKey(e.key);
    waiting.push(createRewardInfo(fromUtf8(parts[1]), fromUtf8(parts[0]), e.value.amount));
  }
  const inFlight = new Array<RewardRoundInfo>();
  const rit = REWARD_ROUNDS.range([], null, false, null, Order.Ascending);
  for (let e = rit.next(); e != null; e = rit.next()) {
    const round = e.value;
    inFlight.push(createRewardRoundInfo(u64FromKey(e.key), round.denom, round.total()));
  }
  return encodeDistributionResponse(createDistributionResponse(totals, waiting, inFlight));
}
