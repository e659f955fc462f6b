// Env, MessageInfo and Coin as the chain sends them, plus fund and address helpers.
import { Fields } from "./decode";
import { fail, failCheck } from "./error";
import { fundsNotAccepted, invalidAddress, multipleDenoms, noFunds, unauthorized, wrongDenom } from "./errors";
import { addr_validate } from "./imports";
import { JsonKind, JsonValue, JsonWriter } from "./json";
import { Uint128 } from "./math";
import { bytesFromRegion, ptr, regionFromString } from "./region";
import { fromUtf8 } from "./storage";

export class BlockInfo {
  constructor(public height: u64, public timeNanos: u64, public chainId: string) {}
}

export class Env {
  constructor(public block: BlockInfo, public contractAddress: string, public transactionIndex: i64) {}

  static decode(json: JsonValue | null): Env | null {
    const f = Fields.of(json, "env");
    if (f == null) return null;
    const block = f.obj("block");
    const height = block.u64("height");
    const time = block.u64String("time");
    const chainId = block.str("chain_id");
    f.absorb(block);
    const contract = f.obj("contract");
    const address = contract.str("address");
    f.absorb(contract);
    let txIndex: i64 = -1;
    const tx = f.optObj("transaction");
    if (tx != null) {
      txIndex = <i64>tx.u64("index");
      tx.ignore("hash");
      f.absorb(tx);
    }
    if (!f.finishLenient()) return null;
    return new Env(new BlockInfo(height, time, chainId), address, txIndex);
  }
}

export class Coin {
  constructor(public denom: string, public amount: Uint128) {}

  static decode(json: JsonValue, path: string): Coin | null {
    const f = Fields.of(json, path);
    if (f == null) return null;
    const denom = f.str("denom");
    const amount = f.uint128("amount");
    if (!f.finishLenient()) return null;
    return new Coin(denom, amount);
  }

  write(w: JsonWriter): void {
    w.beginObject().key("denom").string(this.denom).key("amount").string(this.amount.toString()).endObject();
  }
}

/** Adds `amount` of `denom` to `coins` (a total per denom, for one bank send); false on overflow (error recorded). */
export function addCoin(coins: Coin[], denom: string, amount: Uint128): bool {
  for (let i = 0; i < coins.length; i++) {
    if (coins[i].denom != denom) continue;
    const sum = coins[i].amount.checkedAdd(amount);
    if (sum == null) return false;
    coins[i].amount = sum;
    return true;
  }
  coins.push(new Coin(denom, amount));
  return true;
}

export function writeCoins(w: JsonWriter, coins: Coin[]): void {
  w.beginArray();
  for (let i = 0; i < coins.length; i++) coins[i].write(w);
  w.endArray();
}

export class MessageInfo {
  constructor(public sender: string, public funds: Coin[]) {}

  static decode(json: JsonValue | null): MessageInfo | null {
    const f = Fields.of(json, "info");
    if (f == null) return null;
    const sender = f.str("sender");
    const items = f.array("funds");
    if (!f.finishLenient()) return null;
    const funds = new Array<Coin>();
    for (let i = 0; i < items.length; i++) {
      const coin = Coin.decode(items[i], "info.funds");
      if (coin == null) return null;
      funds.push(coin);
    }
    return new MessageInfo(sender, funds);
  }
}

/**
 * The input of the `reply` entry point: the sub-message id, the payload the contract attached to it (empty when
 * none), and, when it failed, the error text (wasmd ≥ 0.51 passes a contract's own error verbatim and redacts the
 * rest). Other fields (gas_used, events, data) are not used.
 */
/** One SDK message's response in a sub-message reply: its type URL and protobuf bytes. */
export class MsgResponse {
  constructor(public typeUrl: string, public value: Uint8Array) {}
}

export class Reply {
  constructor(
    public id: u64,
    public error: string | null,
    public payload: Uint8Array = new Uint8Array(0),
    /** on success: the responses of the sub-message's SDK messages, in order */
    public msgResponses: MsgResponse[] = [],
  ) {}

  static decode(json: JsonValue | null): Reply | null {
    const f = Fields.of(json, "reply");
    if (f == null) return null;
    const id = f.u64("id");
    const result = f.any("result");
    const payload = f.optBinary("payload");
    if (!f.finishLenient()) return null;
    const error = result != null ? result.get("error") : null;
    const responses = new Array<MsgResponse>();
    const ok = result != null ? result.get("ok") : null;
    const list = ok != null ? ok.get("msg_responses") : null;
    if (list != null && list.kind == JsonKind.Array) {
      for (let i = 0; i < list.items.length; i++) {
        const r = Fields.of(list.items[i], "reply.result.ok.msg_responses");
        if (r == null) return null;
        const lenient = new Fields(r.value, r.path, true);
        const typeUrl = lenient.str("type_url");
        const value = lenient.optBinary("value");
        if (!lenient.finishLenient()) return null;
        responses.push(new MsgResponse(typeUrl, value != null ? value : new Uint8Array(0)));
      }
    }
    return new Reply(id, error != null ? error.text : null, payload != null ? payload : new Uint8Array(0), responses);
  }
}

/** Rejects any attached funds (cw_utils::nonpayable). */
export function nonpayable(info: MessageInfo): bool {
  for (let i = 0; i < info.funds.length; i++) {
    if (!info.funds[i].amount.isZero()) return failCheck(fundsNotAccepted());
  }
  return true;
}

/** Exactly one coin of `denom` with a non-zero amount (cw_utils::must_pay). */
export function mustPay(info: MessageInfo, denom: string): Uint128 | null {
  if (info.funds.length == 0) return fail<Uint128>(noFunds());
  if (info.funds.length > 1) return fail<Uint128>(multipleDenoms());
  const coin = info.funds[0];
  if (coin.denom != denom) return fail<Uint128>(wrongDenom(denom, coin.denom));
  if (coin.amount.isZero()) return fail<Uint128>(noFunds());
  return coin.amount;
}

/** The sender must be `admin` (governance on a real deployment). */
export function onlyAdmin(info: MessageInfo, admin: string): bool {
  if (info.sender == admin) return true;
  return failCheck(unauthorized(admin));
}

const MAX_HUMAN_ADDRESS_BYTES = 256;

/**
 * Validates a bech32 address through the chain (`addr_validate`), which also rejects non-normalised forms
 * such as upper case. Lengths the VM would turn into a VM error are rejected here first.
 */
export function validateAddress(address: string, what: string): string | null {
  const length = String.UTF8.byteLength(address, false);
  if (length == 0) return fail<string>(invalidAddress(what, "is empty"));
  if (length > MAX_HUMAN_ADDRESS_BYTES) return fail<string>(invalidAddress(what, "is too long"));
  const result = addr_validate(ptr(regionFromString(address)));
  if (result != 0) {
    return fail<string>(invalidAddress(what, "'" + address + "': " + fromUtf8(bytesFromRegion(result))));
  }
  return address;
}
