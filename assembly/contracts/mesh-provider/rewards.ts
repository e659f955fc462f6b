// mesh-provider's rewards (docs/rewards.md §3–4). The consumer contract sends each round of rewards with an ICS-20
// transfer whose memo names this contract as destination callback; ibc_destination_callback runs in the same
// transaction as the transfer that credited the tokens, and spreads them over the stakers of each validator in O(1):
// a per-(generation, validator, denom) index of rewards per share grows by ⌊(amount + carry) ÷ shares⌋, and what
// that leaves (amount + carry − ⌈Δ × shares⌉) is carried to the next credit. Anyone can put our address in a memo: only a transfer on the
// configured channel, from the consumer contract, to us, with a split that adds up, in a round not seen before, is
// credited; anything else is refused (the middleware then keeps the tokens here, outside every staker's books).
//
// Stakers: per (owner, validator, denom) the index they were last settled at and what they are owed. Every change of
// a staker's shares settles first (stake and unstake commits, a closed channel's record moving to unbonding), so
// nobody earns on shares they did not have. Slashes scale what a share is worth, not the number of shares: a
// slashed pool earns less on the consumer, and each staker's part of it stays proportional.
// Per denom: received = paid + Σ owed + Σ unsettled + Σ carry + rounding dust (dust ≥ 0: never paid twice).
import {
  addCoin, BankMsg, Coin, Decimal, Env, IbcDestinationCallbackMsg, Item, JsonValue, JsonWriter, Map, MessageInfo, Order, Response, Uint128,
  capLimit, clearError, fail, failCheck, fromUtf8, hexUpper, ics20VoucherDenom, nonpayable, onlyAdmin, parseJson, sha256, splitFirstKey, u64Key,
  storedStringOrNull, utf8, validateAddress,
} from "../../sdk";
import { Ack } from "../../shared/ack";
import { TRANSFER_PORT, checkTransferChannel, contractOfPort } from "../../shared/channel";
import { decodeIcs20Packet, decodeRewardsMemo } from "../../shared/packets.codec";
import { noRewardChannel, noRewardsToWithdraw, notConsumerTransfer } from "./errors";
import { RewardIndexInfo, RewardTotal, SetRewardChannel, StakerReward, WithdrawRewards } from "./msg";
import {
  createRewardIndexInfo, createRewardPoolResponse, createRewardTotal, createRewardTotalsResponse, createStakerReward, createStakerRewardsResponse,
  encodeRewardPoolResponse, encodeRewardTotalsResponse, encodeStakerRewardsResponse,
} from "./msg.codec";
import { CONFIG, Flag, STAKES, STATE, Stake, loadPool } from "./state";

// ---------------------------------------------------------------------------------------------------------------
// Storage
//   "reward_channel"                          Item<RewardChannel>
//   reward_indexes: (generation, validator, denom)  Map<RewardIndex>   rewards per share and the carried remainder
//   staker_rewards: (owner, validator, denom)       Map<StakerRewards>  index settled at, owed
//   reward_totals:  denom                           Map<RewardTotals>   received, paid
//   reward_rounds:  (consumer, round u64 BE)        Map<Flag>           consumer rounds credited

export class RewardChannel {
  constructor(
    public channelId: string,
    /** the channel before the last set_reward_channel: rounds already on their way there are still credited */
    public previous: string | null,
  ) {}
  accepts(channel: string): bool {
    const previous = this.previous;
    return channel == this.channelId || (previous != null && channel == previous);
  }
}

export const REWARD_CHANNEL = new Item<RewardChannel>(
  "reward_channel",
  (c: RewardChannel, w: JsonWriter): void => {
    w.beginObject().key("channel_id").string(c.channelId).key("previous").nullableString(c.previous).endObject();
  },
  (j: JsonValue): RewardChannel => new RewardChannel(j.get("channel_id")!.text, storedStringOrNull(j, "previous")),
);

export class RewardIndex {
  constructor(public index: Decimal, public carry: Uint128) {}
}

const REWARD_INDEXES = new Map<RewardIndex>(
  "reward_indexes",
  (r: RewardIndex, w: JsonWriter): void => {
    w.beginObject().key("index").string(r.index.toString()).key("carry").string(r.carry.toString()).endObject();
  },
  (j: JsonValue): RewardIndex => new RewardIndex(Decimal.parse(j.get("index")!.text)!, Uint128.parse(j.get("carry")!.text)!),
);

function indexKey(generation: u64, validator: string, denom: string): Uint8Array[] { return [u64Key(generation), utf8(validator), utf8(denom)]; }

export class StakerRewards {
  constructor(public index: Decimal, public owed: Uint128) {}
}

const STAKER_REWARDS = new Map<StakerRewards>(
  "staker_rewards",
  (r: StakerRewards, w: JsonWriter): void => {
    w.beginObject().key("index").string(r.index.toString()).key("owed").string(r.owed.toString()).endObject();
  },
  (j: JsonValue): StakerRewards => new StakerRewards(Decimal.parse(j.get("index")!.text)!, Uint128.parse(j.get("owed")!.text)!),
);

function stakerKey(owner: string, validator: string, denom: string): Uint8Array[] { return [utf8(owner), utf8(validator), utf8(denom)]; }

export class RewardTotals {
  constructor(public received: Uint128, public paid: Uint128) {}
}

const REWARD_TOTALS = new Map<RewardTotals>(
  "reward_totals",
  (t: RewardTotals, w: JsonWriter): void => {
    w.beginObject().key("received").string(t.received.toString()).key("paid").string(t.paid.toString()).endObject();
  },
  (j: JsonValue): RewardTotals => new RewardTotals(Uint128.parse(j.get("received")!.text)!, Uint128.parse(j.get("paid")!.text)!),
);

function loadTotals(denom: string): RewardTotals {
  const t = REWARD_TOTALS.may_load([utf8(denom)]);
  return t != null ? t : new RewardTotals(Uint128.zero(), Uint128.zero());
}

const REWARD_ROUNDS = new Map<Flag>(
  "reward_rounds",
  (f: Flag, w: JsonWriter): void => { w.beginObject().endObject(); },
  (j: JsonValue): Flag => new Flag(),
);

// ---------------------------------------------------------------------------------------------------------------
// Governance

export function setRewardChannel(info: MessageInfo, msg: SetRewardChannel): Response | null {
  const config = CONFIG.load();
  if (!nonpayable(info) || !onlyAdmin(info, config.admin)) return null;
  const consumer = config.consumer;
  if (consumer == null) return fail<Response>(noRewardChannel());
  if (contractOfPort(consumer.portId) == null || !checkTransferChannel(msg.channelId, consumer.connectionId)) return null;
  const current = REWARD_CHANNEL.may_load();
  let previous: string | null = null;
  if (current != null) previous = current.channelId == msg.channelId ? current.previous : current.channelId;
  REWARD_CHANNEL.save(new RewardChannel(msg.channelId, previous));
  return new Response().addAttribute("action", "set_reward_channel").addAttribute("channel_id", msg.channelId);
}

export function rewardChannel(): string | null {
  const c = REWARD_CHANNEL.may_load();
  return c != null ? c.channelId : null;
}

// ---------------------------------------------------------------------------------------------------------------
// Crediting a round

/**
 * The denom the tokens have here: a token coming home (its denom starts with the sender's port/channel) loses that
 * hop, anything else is the voucher of our (port, channel) and its denom (ibc-go's transfer OnRecvPacket).
 */
function localDenom(srcPort: string, srcChannel: string, destPort: string, destChannel: string, denom: string): string {
  const hop = srcPort + "/" + srcChannel + "/";
  if (!denom.startsWith(hop)) return ics20VoucherDenom(destPort, destChannel, denom);
  // What is left is a voucher's trace when it still starts with a port/channel-N hop, else a base denom (which may
  // itself contain '/', e.g. factory/…), kept as it is.
  const base = denom.substring(hop.length);
  return hasHop(base) ? "ibc/" + hexUpper(sha256(Uint8Array.wrap(String.UTF8.encode(base, false)))) : base;
}

/** Whether `trace` starts with "<port>/channel-<n>/" (ibc-go's trace of a voucher). */
function hasHop(trace: string): bool {
  const slash = trace.indexOf("/");
  if (slash <= 0 || !trace.startsWith("channel-", slash + 1)) return false;
  const end = trace.indexOf("/", slash + 9);
  if (end < 0 || end == slash + 9) return false;
  for (let i = slash + 9; i < end; i++) {
    const c = trace.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function refuse(reason: string): Response | null {
  return fail<Response>(notConsumerTransfer(reason));
}

/** ibc_destination_callback: credits a reward round from the consumer contract; refuses anything else. */
export function ibcDestinationCallback(env: Env, msg: IbcDestinationCallbackMsg): Response | null {
  const packet = msg.packet;
  const channel = REWARD_CHANNEL.may_load();
  if (channel == null) return refuse("no reward channel is set");
  if (packet.dest.portId != TRANSFER_PORT || !channel.accepts(packet.dest.channelId)) {
    return refuse("arrived on " + packet.dest.portId + "/" + packet.dest.channelId + ", rewards come on " + TRANSFER_PORT + "/" + channel.channelId);
  }
  if (!Ack.parse(msg.ack).ok) return refuse("the transfer was not acknowledged successfully");
  const consumer = CONFIG.load().consumer;
  const consumerAddress = consumer != null ? contractOfPort(consumer.portId) : null;
  if (consumerAddress == null) return refuse("no consumer contract is set");
  const data = decodeIcs20Packet(parseJson(packet.data), "transfer packet");
  if (data == null) return null;
  if (data.sender != consumerAddress) return refuse("sent by " + data.sender + ", not by the consumer contract " + consumerAddress);
  if (data.receiver != env.contractAddress) return refuse("received by " + data.receiver);
  const memoText = data.memo;
  if (memoText == null) return refuse("no memo");
  const memo = decodeRewardsMemo(parseJson(Uint8Array.wrap(String.UTF8.encode(memoText, false))), "memo");
  if (memo == null) return null;
  const split = memo.meshRewards.validators;
  let sum = Uint128.zero();
  for (let i = 0; i < split.length; i++) {
    const next = sum.checkedAdd(split[i].amount);
    if (next == null) return null;
    sum = next;
  }
  if (!sum.eq(data.amount)) return refuse("the split adds up to " + sum.toString() + ", the transfer is " + data.amount.toString());
  // Rounds are numbered by each consumer contract: a new consumer (set_consumer) starts again at 1.
  const round = [utf8(data.sender), u64Key(memo.meshRewards.round)];
  if (REWARD_ROUNDS.may_load(round) != null) return refuse("round " + memo.meshRewards.round.toString() + " was credited already");
  REWARD_ROUNDS.save(round, new Flag());

  const denom = localDenom(packet.src.portId, packet.src.channelId, packet.dest.portId, packet.dest.channelId, data.denom);
  const generation = STATE.load().generation;
  for (let i = 0; i < split.length; i++) {
    if (!credit(generation, split[i].validator, denom, split[i].amount)) return null;
  }
  const totals = loadTotals(denom);
  totals.received = totals.received.checkedAdd(data.amount)!;
  REWARD_TOTALS.save([utf8(denom)], totals);
  return new Response().addAttribute("action", "rewards_received").addAttribute("round", memo.meshRewards.round.toString())
    .addAttribute("denom", denom).addAttribute("amount", data.amount.toString()).addAttribute("validators", split.length.toString());
}

/** Spreads `amount` (+ the carry) over the validator's shares of `generation`; the floor's remainder is carried. */
function credit(generation: u64, validator: string, denom: string, amount: Uint128): bool {
  const key = indexKey(generation, validator, denom);
  const stored = REWARD_INDEXES.may_load(key);
  const r = stored != null ? stored : new RewardIndex(Decimal.zero(), Uint128.zero());
  const available = r.carry.checkedAdd(amount);
  if (available == null) return false;
  const shares = loadPool(generation, validator).shares;
  if (shares.isZero()) {
    r.carry = available;
  } else {
    const delta = Decimal.fromRatio(available, shares);
    if (delta == null) {
      // More per share than an index can hold (a huge carry over a dust pool): keep it for a larger pool.
      clearError();
      r.carry = available;
      REWARD_INDEXES.save(key, r);
      return true;
    }
    // What the stakers can claim from this credit is delta × shares, a fraction: only what is left after rounding it
    // up is carried. (Carrying from its floor would count the fraction twice: stakers' floors of the summed index
    // collect the fractions of several credits.)
    const spread = delta.mulCeil(shares);
    const index = r.index.checkedAdd(delta);
    if (spread == null || index == null) return false;
    r.index = index;
    r.carry = available.checkedSub(spread)!;
  }
  REWARD_INDEXES.save(key, r);
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Stakers

function unsettled(index: Decimal, paid: Decimal, shares: Uint128): Uint128 {
  if (shares.isZero() || !paid.lt(index)) return Uint128.zero();
  return index.checkedSub(paid)!.mulFloor(shares)!;
}

/** What the owner is owed in one denom, at the pool's current index. */
class Earned {
  constructor(public denom: string, public index: Decimal, public owed: Uint128) {}
}

/**
 * Per denom the (generation, validator) pool has an index for, or the owner has a record of (index zero in this
 * generation), in denom order: the index now, and the owner's owed plus what `shares` earned since last settled.
 */
function earnedNow(owner: string, validator: string, generation: u64, shares: Uint128): Earned[] | null {
  const denoms = new Array<string>();
  const indexes = new Array<Decimal>();
  const it = REWARD_INDEXES.range([u64Key(generation), utf8(validator)], null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) {
    denoms.push(fromUtf8(e.key));
    indexes.push(e.value.index);
  }
  const sit = STAKER_REWARDS.range([utf8(owner), utf8(validator)], null, false, null, Order.Ascending);
  for (let e = sit.next(); e != null; e = sit.next()) {
    const denom = fromUtf8(e.key);
    if (!denoms.includes(denom)) {
      denoms.push(denom);
      indexes.push(Decimal.zero());
    }
  }
  const out = new Array<Earned>();
  for (let i = 0; i < denoms.length; i++) {
    const r = STAKER_REWARDS.may_load(stakerKey(owner, validator, denoms[i]));
    const unpaid = r != null ? unsettled(indexes[i], r.index, shares).checkedAdd(r.owed) : unsettled(indexes[i], Decimal.zero(), shares);
    if (unpaid == null) return null;
    out.push(new Earned(denoms[i], indexes[i], unpaid));
  }
  out.sort((a: Earned, b: Earned): i32 => (a.denom < b.denom ? -1 : a.denom > b.denom ? 1 : 0));
  return out;
}

/**
 * Adds what `shares` of the (generation, validator) pool earned since the owner was last settled, per denom, and
 * marks the owner settled at the current indexes. Call before the owner's shares there change (a record moving to
 * another generation is settled with its old one, then starts from the new one's indexes with zero shares).
 */
export function settleStakerRewards(owner: string, validator: string, generation: u64, shares: Uint128): bool {
  const earned = earnedNow(owner, validator, generation, shares);
  if (earned == null) return false;
  for (let i = 0; i < earned.length; i++) {
    STAKER_REWARDS.save(stakerKey(owner, validator, earned[i].denom), new StakerRewards(earned[i].index, earned[i].owed));
  }
  return true;
}

/** The owner's validators with a stake record or reward records, after `startAfter`, at most `limit` (+1 to see more). */
function ownerValidators(owner: string, startAfter: string | null, limit: u32): string[] {
  const out = new Array<string>();
  const start = startAfter != null ? utf8(startAfter) : null;
  const it = STAKES.range([utf8(owner)], start, true, null, Order.Ascending);
  for (let e = it.next(); e != null && <u32>out.length <= limit; e = it.next()) out.push(fromUtf8(e.key));
  // Reward records (validator, denom) of validators the owner has no stake on any more: a few per owner.
  const rit = STAKER_REWARDS.range([utf8(owner)], null, false, null, Order.Ascending);
  for (let e = rit.next(); e != null; e = rit.next()) {
    const validator = fromUtf8(splitFirstKey(e.key)[0]);
    if (startAfter != null && validator <= startAfter) continue;
    if (!out.includes(validator)) out.push(validator);
  }
  out.sort((a: string, b: string): i32 => (a < b ? -1 : a > b ? 1 : 0));
  return out.length > <i32>limit + 1 ? out.slice(0, <i32>limit + 1) : out;
}

/** The owner's stake on `validator` (its generation and shares), or none. */
function stakeOf(owner: string, validator: string): Stake | null {
  return STAKES.may_load([utf8(owner), utf8(validator)]);
}

export function withdrawRewards(info: MessageInfo, msg: WithdrawRewards): Response | null {
  if (!nonpayable(info)) return null;
  const owner = info.sender;
  const limit = capLimit(msg.limit);
  const validators = ownerValidators(owner, msg.startAfter, limit);
  const more = <u32>validators.length > limit;
  const coins = new Array<Coin>();
  const response = new Response().addAttribute("action", "withdraw_rewards").addAttribute("owner", owner);
  for (let v = 0; v < validators.length && <u32>v < limit; v++) {
    const validator = validators[v];
    const stake = stakeOf(owner, validator);
    if (stake != null && !settleStakerRewards(owner, validator, stake.generation, stake.shares)) return null;
    const keys = new Array<string>();
    const records = new Array<StakerRewards>();
    const it = STAKER_REWARDS.range([utf8(owner), utf8(validator)], null, false, null, Order.Ascending);
    for (let e = it.next(); e != null; e = it.next()) {
      keys.push(fromUtf8(e.key));
      records.push(e.value);
    }
    for (let i = 0; i < keys.length; i++) {
      const r = records[i];
      if (!r.owed.isZero()) {
        if (!addCoin(coins, keys[i], r.owed)) return null;
        response.addAttribute("paid", validator + ":" + r.owed.toString() + keys[i]);
      }
      r.owed = Uint128.zero();
      // Without shares there is nothing left to track: the next stake settles from the indexes of its generation.
      if (stake == null) STAKER_REWARDS.remove(stakerKey(owner, validator, keys[i]));
      else STAKER_REWARDS.save(stakerKey(owner, validator, keys[i]), r);
    }
  }
  if (coins.length == 0) return fail<Response>(noRewardsToWithdraw());
  for (let i = 0; i < coins.length; i++) {
    const totals = loadTotals(coins[i].denom);
    totals.paid = totals.paid.checkedAdd(coins[i].amount)!;
    REWARD_TOTALS.save([utf8(coins[i].denom)], totals);
  }
  return response.addMessage(BankMsg.send(owner, coins)).addAttribute("more", more ? "true" : "false");
}


// ---------------------------------------------------------------------------------------------------------------
// Queries

/** What the owner may withdraw now on a page of validators: owed + earned since last settled, per denom. */
export function rewardsQuery(owner: string, startAfter: string | null, limitIn: u32): string | null {
  if (validateAddress(owner, "owner") == null) return null;
  const limit = capLimit(limitIn);
  const validators = ownerValidators(owner, startAfter, limit);
  const out = new Array<StakerReward>();
  for (let v = 0; v < validators.length && <u32>v < limit; v++) {
    const validator = validators[v];
    // What settling would pay, written nowhere (no stake: what is owed, nothing earns).
    const stake = stakeOf(owner, validator);
    const earned = stake != null ? earnedNow(owner, validator, stake.generation, stake.shares) : earnedNow(owner, validator, 0, Uint128.zero());
    if (earned == null) return null;
    for (let i = 0; i < earned.length; i++) {
      if (!earned[i].owed.isZero()) out.push(createStakerReward(validator, earned[i].denom, earned[i].owed));
    }
  }
  return encodeStakerRewardsResponse(createStakerRewardsResponse(out));
}

export function rewardTotalsQuery(): string {
  const totals = new Array<RewardTotal>();
  const it = REWARD_TOTALS.range([], null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) totals.push(createRewardTotal(fromUtf8(e.key), e.value.received, e.value.paid));
  return encodeRewardTotalsResponse(createRewardTotalsResponse(totals));
}

export function rewardPoolQuery(validator: string): string {
  const generation = STATE.load().generation;
  const indexes = new Array<RewardIndexInfo>();
  const it = REWARD_INDEXES.range([u64Key(generation), utf8(validator)], null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) indexes.push(createRewardIndexInfo(fromUtf8(e.key), e.value.index, e.value.carry));
  return encodeRewardPoolResponse(createRewardPoolResponse(validator, generation, indexes));
}
