// Chain queries through `query_chain`. The host answers with SystemResult<ContractResult<Binary>>
// (cosmwasm-abi.md §3.6); both error layers are surfaced as errors with the request kind in the message.
import { base64Decode, base64Encode } from "./base64";
import { Fields } from "./decode";
import { fail, takeError } from "./error";
import { IbcChannel } from "./ibc";
import { querierContractError, querierSystemError } from "./errors";
import { addr_humanize, query_chain } from "./imports";
import { sha256 } from "./sha256";
import { fromUtf8 } from "./storage";
import { JsonKind, JsonValue, JsonWriter, parseJson, stringifyJson } from "./json";
import { Uint128 } from "./math";
import { Coin } from "./types";
import { allocateRegion, bytesFromRegion, ptr, regionFromBytes, regionFromString } from "./region";

/** Sends a raw QueryRequest JSON; returns the response bytes or null (error recorded). */
export function queryChainRaw(requestJson: string, what: string): Uint8Array | null {
  const resultPtr = query_chain(ptr(regionFromString(requestJson)));
  const result = parseJson(bytesFromRegion(resultPtr));
  if (result == null) return fail<Uint8Array>(querierSystemError("unreadable result for " + what));
  const system = result.get("error");
  if (system != null) return fail<Uint8Array>(querierSystemError(what + ": " + stringifyJson(system)));
  const contract = result.get("ok");
  if (contract == null) return fail<Uint8Array>(querierSystemError("malformed result for " + what));
  const contractError = contract.get("error");
  if (contractError != null) {
    return fail<Uint8Array>(querierContractError(what, contractError.kind == JsonKind.String ? contractError.text : stringifyJson(contractError)));
  }
  const ok = contract.get("ok");
  if (ok == null || ok.kind != JsonKind.String) return fail<Uint8Array>(querierSystemError("malformed result for " + what));
  const bytes = base64Decode(ok.text);
  if (bytes == null) return fail<Uint8Array>(querierSystemError(takeError()));
  return bytes;
}

export function queryChainJson(requestJson: string, what: string): JsonValue | null {
  const bytes = queryChainRaw(requestJson, what);
  if (bytes == null) return null;
  return parseJson(bytes);
}

export function queryBalance(address: string, denom: string): Uint128 | null {
  const w = new JsonWriter();
  w.beginObject().key("bank").beginObject().key("balance").beginObject();
  w.key("address").string(address).key("denom").string(denom).endObject().endObject().endObject();
  const f = Fields.of(queryChainJson(w.toString(), "bank balance"), "balance");
  if (f == null) return null;
  const amount = f.obj("amount");
  const value = amount.uint128("amount");
  amount.ignore("denom");
  f.absorb(amount);
  return f.finishLenient() ? value : null;
}

export function queryBondedDenom(): string | null {
  const f = Fields.of(queryChainJson("{\"staking\":{\"bonded_denom\":{}}}", "staking bonded_denom"), "bonded_denom");
  if (f == null) return null;
  const denom = f.str("denom");
  return f.finishLenient() ? denom : null;
}

/** The bonded set as this call saw it first (the chain cannot change during one call; see the delegation cache). */
let bondedSet: string[] | null = null;

/** Operator addresses of the active (bonded) validator set; asked once per call. */
export function queryAllValidators(): string[] | null {
  const known = bondedSet;
  if (known != null) return known;
  const f = Fields.of(queryChainJson("{\"staking\":{\"all_validators\":{}}}", "staking all_validators"), "all_validators");
  if (f == null) return null;
  const items = f.array("validators");
  if (!f.finishLenient()) return null;
  const out = new Array<string>();
  for (let i = 0; i < items.length; i++) {
    const v = items[i].get("address");
    if (v == null || v.kind != JsonKind.String) return fail<string[]>(querierSystemError("malformed validator entry"));
    out.push(v.text);
  }
  bondedSet = out;
  return out;
}

/** 1 if `validator` is in the bonded (active) set, 0 if not, -1 if the query failed (error recorded). */
export function isActiveValidator(validator: string): i32 {
  // StakingQuery::Validator also answers for jailed and unbonded validators; AllValidators lists the bonded set only.
  const active = queryAllValidators();
  if (active == null) return -1;
  return active.includes(validator) ? 1 : 0;
}

/**
 * Answers of the Delegation query in this call. Chain state cannot change during one contract call (the messages it
 * returns run afterwards, and every call starts with fresh memory), so asking twice — a slash check and a reward
 * harvest of the same validator — would pay for the same answer twice.
 */
const delegationKeys = new Array<string>();
const delegationAnswers = new Array<JsonValue>();

/** StakingQuery::Delegation: `{"delegation": FullDelegation | null}` (Go omits the field when there is none). */
function queryDelegation(delegator: string, validator: string): JsonValue | null {
  const key = delegator + "/" + validator;
  const at = delegationKeys.indexOf(key);
  if (at >= 0) return delegationAnswers[at];
  const w = new JsonWriter();
  w.beginObject().key("staking").beginObject().key("delegation").beginObject();
  w.key("delegator").string(delegator).key("validator").string(validator).endObject().endObject().endObject();
  const answer = queryChainJson(w.toString(), "staking delegation");
  if (answer != null) {
    delegationKeys.push(key);
    delegationAnswers.push(answer);
  }
  return answer;
}

/** The current token value of `delegator`'s delegation to `validator` (zero when there is none). */
export function queryDelegationAmount(delegator: string, validator: string): Uint128 | null {
  const json = queryDelegation(delegator, validator);
  if (json == null) return null;
  const d = json.get("delegation");
  // Go omits the field when there is no delegation; Rust writes null.
  if (d == null || d.isNull()) return Uint128.zero();
  const amount = d.get("amount");
  if (amount == null) return fail<Uint128>(querierSystemError("malformed delegation"));
  const text = amount.get("amount");
  if (text == null || text.kind != JsonKind.String) return fail<Uint128>(querierSystemError("malformed delegation"));
  return Uint128.parse(text.text, "delegation amount");
}

/**
 * The whole coins x/distribution would pay `delegator` now for its delegation to `validator` (the Delegation
 * query's `accumulated_rewards`, truncated as a withdrawal truncates them); empty when there is no delegation.
 */
export function queryDelegationRewards(delegator: string, validator: string): Coin[] | null {
  const json = queryDelegation(delegator, validator);
  if (json == null) return null;
  const out = new Array<Coin>();
  const d = json.get("delegation");
  if (d == null || d.isNull()) return out;
  const rewards = d.get("accumulated_rewards");
  if (rewards == null || rewards.isNull()) return out;
  if (rewards.kind != JsonKind.Array) return fail<Coin[]>(querierSystemError("malformed delegation rewards"));
  for (let i = 0; i < rewards.items.length; i++) {
    const coin = Coin.decode(rewards.items[i], "accumulated_rewards");
    if (coin == null) return null;
    if (!coin.amount.isZero()) out.push(coin);
  }
  return out;
}

/** The answer of IbcQuery::Channel: the channel when it exists and is open, else null. */
export class ChannelLookup {
  constructor(public channel: IbcChannel | null) {}
}

/** IbcQuery::Channel on (`portId`, `channelId`); null when the query failed (error recorded). */
export function queryIbcChannel(portId: string, channelId: string): ChannelLookup | null {
  const w = new JsonWriter();
  w.beginObject().key("ibc").beginObject().key("channel").beginObject();
  w.key("channel_id").string(channelId).key("port_id").string(portId).endObject().endObject().endObject();
  const f = Fields.of(queryChainJson(w.toString(), "ibc channel"), "channel response");
  if (f == null) return null;
  const c = f.optObj("channel");
  const channel = c != null ? IbcChannel.read(c) : null;
  if (c != null) f.absorb(c);
  return f.finishLenient() ? new ChannelLookup(channel) : null;
}

/** A smart query to another contract; `msgJson` is the query message. */
export function querySmart(contract: string, msgJson: string): JsonValue | null {
  const w = new JsonWriter();
  w.beginObject().key("wasm").beginObject().key("smart").beginObject().key("contract_addr").string(contract);
  w.key("msg").string(base64EncodeString(msgJson)).endObject().endObject().endObject();
  return queryChainJson(w.toString(), "wasm smart " + contract);
}

function base64EncodeString(text: string): string {
  return base64Encode(Uint8Array.wrap(String.UTF8.encode(text, false)));
}

/**
 * The address of a module account of the legacy kind (cosmos-sdk `authtypes.NewModuleAddress(name)`: the first 20
 * bytes of sha256(name)), in the chain's own bech32 form (addr_humanize).
 */
export function moduleAccountAddress(moduleName: string): string | null {
  const canonical = sha256(Uint8Array.wrap(String.UTF8.encode(moduleName, false))).slice(0, 20);
  const out = allocateRegion(MAX_HUMAN_ADDRESS);
  const error = addr_humanize(ptr(regionFromBytes(canonical)), ptr(out));
  if (error != 0) return fail<string>(querierSystemError("addr_humanize of the " + moduleName + " module: " + fromUtf8(bytesFromRegion(error))));
  return fromUtf8(bytesFromRegion(ptr(out)));
}

const MAX_HUMAN_ADDRESS: u32 = 256;

/**
 * The chain's bonded tokens: x/staking keeps every bonded validator's tokens in the `bonded_tokens_pool` module
 * account, so its balance of the bond denom is the total bonded stake (what voting power is a share of).
 */
export function queryBondedTokens(bondDenom: string): Uint128 | null {
  const pool = moduleAccountAddress("bonded_tokens_pool");
  return pool != null ? queryBalance(pool, bondDenom) : null;
}
