// Responses and outgoing messages, serialised exactly as wasmvm's Go types expect (see cosmwasm-abi.md §1.5, §3.3).
import { base64Encode } from "./base64";
import { JsonWriter } from "./json";
import { Coin, writeCoins } from "./types";

/** A CosmosMsg, held as its serialised JSON. Build with the BankMsg/StakingMsg/… factories below. */
export class CosmosMsg {
  constructor(public readonly json: string) {}
}

export class BankMsg {
  static send(toAddress: string, amount: Coin[]): CosmosMsg {
    const w = new JsonWriter();
    w.beginObject().key("bank").beginObject().key("send").beginObject();
    w.key("to_address").string(toAddress).key("amount");
    writeCoins(w, amount);
    w.endObject().endObject().endObject();
    return new CosmosMsg(w.toString());
  }

  static burn(amount: Coin[]): CosmosMsg {
    const w = new JsonWriter();
    w.beginObject().key("bank").beginObject().key("burn").beginObject().key("amount");
    writeCoins(w, amount);
    w.endObject().endObject().endObject();
    return new CosmosMsg(w.toString());
  }
}

export class StakingMsg {
  private static withAmount(kind: string, validator: string, amount: Coin): CosmosMsg {
    const w = new JsonWriter();
    w.beginObject().key("staking").beginObject().key(kind).beginObject().key("validator").string(validator).key("amount");
    amount.write(w);
    w.endObject().endObject().endObject();
    return new CosmosMsg(w.toString());
  }
  static delegate(validator: string, amount: Coin): CosmosMsg { return StakingMsg.withAmount("delegate", validator, amount); }
  static undelegate(validator: string, amount: Coin): CosmosMsg { return StakingMsg.withAmount("undelegate", validator, amount); }

  static redelegate(srcValidator: string, dstValidator: string, amount: Coin): CosmosMsg {
    const w = new JsonWriter();
    w.beginObject().key("staking").beginObject().key("redelegate").beginObject();
    w.key("src_validator").string(srcValidator).key("dst_validator").string(dstValidator).key("amount");
    amount.write(w);
    w.endObject().endObject().endObject();
    return new CosmosMsg(w.toString());
  }
}

export class DistributionMsg {
  static withdrawDelegatorReward(validator: string): CosmosMsg {
    const w = new JsonWriter();
    w.beginObject().key("distribution").beginObject().key("withdraw_delegator_reward").beginObject();
    w.key("validator").string(validator).endObject().endObject().endObject();
    return new CosmosMsg(w.toString());
  }

  static setWithdrawAddress(address: string): CosmosMsg {
    const w = new JsonWriter();
    w.beginObject().key("distribution").beginObject().key("set_withdraw_address").beginObject();
    w.key("address").string(address).endObject().endObject().endObject();
    return new CosmosMsg(w.toString());
  }
}

export class WasmMsg {
  /** `msgJson` is the inner message's JSON; it is sent base64-encoded as wasmd expects. */
  static execute(contractAddr: string, msgJson: string, funds: Coin[]): CosmosMsg {
    const w = new JsonWriter();
    w.beginObject().key("wasm").beginObject().key("execute").beginObject();
    w.key("contract_addr").string(contractAddr);
    w.key("msg").string(base64Encode(Uint8Array.wrap(String.UTF8.encode(msgJson, false))));
    w.key("funds");
    writeCoins(w, funds);
    w.endObject().endObject().endObject();
    return new CosmosMsg(w.toString());
  }

  static instantiate(admin: string | null, codeId: u64, msgJson: string, funds: Coin[], label: string): CosmosMsg {
    const w = new JsonWriter();
    w.beginObject().key("wasm").beginObject().key("instantiate").beginObject();
    w.key("admin").nullableString(admin).key("code_id").u64(codeId);
    w.key("msg").string(base64Encode(Uint8Array.wrap(String.UTF8.encode(msgJson, false))));
    w.key("funds");
    writeCoins(w, funds);
    w.key("label").string(label);
    w.endObject().endObject().endObject();
    return new CosmosMsg(w.toString());
  }
}

/** At least one of block height or timestamp must be set (wasmd rejects an empty timeout). */
export class IbcTimeout {
  constructor(public revision: u64, public height: u64, public timestampNanos: u64) {}
  static atTimestamp(nanos: u64): IbcTimeout { return new IbcTimeout(0, 0, nanos); }

  write(w: JsonWriter): void {
    w.beginObject().key("block");
    if (this.height > 0) w.beginObject().key("revision").u64(this.revision).key("height").u64(this.height).endObject();
    else w.null_();
    // Go parses the timestamp with `json:",string"`: it must be a string, never a number.
    w.key("timestamp");
    if (this.timestampNanos > 0) w.u64String(this.timestampNanos); else w.null_();
    w.endObject();
  }
}

export class IbcMsg {
  static sendPacket(channelId: string, data: Uint8Array, timeout: IbcTimeout): CosmosMsg {
    const w = new JsonWriter();
    w.beginObject().key("ibc").beginObject().key("send_packet").beginObject();
    w.key("channel_id").string(channelId).key("data").string(base64Encode(data)).key("timeout");
    timeout.write(w);
    w.endObject().endObject().endObject();
    return new CosmosMsg(w.toString());
  }

  static transfer(channelId: string, toAddress: string, amount: Coin, timeout: IbcTimeout, memo: string | null): CosmosMsg {
    const w = new JsonWriter();
    w.beginObject().key("ibc").beginObject().key("transfer").beginObject();
    w.key("channel_id").string(channelId).key("to_address").string(toAddress).key("amount");
    amount.write(w);
    w.key("timeout");
    timeout.write(w);
    w.key("memo").nullableString(memo);
    w.endObject().endObject().endObject();
    return new CosmosMsg(w.toString());
  }

  static closeChannel(channelId: string): CosmosMsg {
    const w = new JsonWriter();
    w.beginObject().key("ibc").beginObject().key("close_channel").beginObject();
    w.key("channel_id").string(channelId).endObject().endObject().endObject();
    return new CosmosMsg(w.toString());
  }
}

export const enum ReplyOn {
  Never = 0,
  Success = 1,
  Error = 2,
  Always = 3,
}

function replyOnName(on: ReplyOn): string {
  switch (on) {
    case ReplyOn.Success: return "success";
    case ReplyOn.Error: return "error";
    case ReplyOn.Always: return "always";
    default: return "never";
  }
}

export class SubMsg {
  constructor(
    public id: u64,
    public msg: CosmosMsg,
    public replyOn: ReplyOn = ReplyOn.Never,
    public payload: Uint8Array | null = null,
    public gasLimit: u64 = 0,
  ) {}

  write(w: JsonWriter): void {
    w.beginObject().key("id").u64(this.id);
    const payload = this.payload;
    w.key("payload").string(payload != null ? base64Encode(payload) : "");
    w.key("msg").raw(this.msg.json);
    w.key("gas_limit");
    if (this.gasLimit > 0) w.u64(this.gasLimit); else w.null_();
    w.key("reply_on").string(replyOnName(this.replyOn));
    w.endObject();
  }
}

export class Attribute {
  constructor(public key: string, public value: string) {}
}

export class Event {
  attributes: Attribute[] = [];
  /** wasmd prefixes the type with "wasm-"; it must be longer than 2 characters. */
  constructor(public type: string) {}
  add(key: string, value: string): Event { this.attributes.push(new Attribute(key, value)); return this; }
}

function writeAttributes(w: JsonWriter, attributes: Attribute[]): void {
  w.beginArray();
  for (let i = 0; i < attributes.length; i++) {
    w.beginObject().key("key").string(attributes[i].key).key("value").string(attributes[i].value).endObject();
  }
  w.endArray();
}

/** The parts shared by Response, IbcBasicResponse and IbcReceiveResponse. */
export class Response {
  messages: SubMsg[] = [];
  attributes: Attribute[] = [];
  events: Event[] = [];
  data: Uint8Array | null = null;

  addMessage(m: CosmosMsg): Response { this.messages.push(new SubMsg(0, m)); return this; }
  addSubMessage(m: SubMsg): Response { this.messages.push(m); return this; }
  addAttribute(key: string, value: string): Response { this.attributes.push(new Attribute(key, value)); return this; }
  addEvent(e: Event): Response { this.events.push(e); return this; }
  setData(data: Uint8Array): Response { this.data = data; return this; }

  protected writeBody(w: JsonWriter): void {
    w.key("messages").beginArray();
    for (let i = 0; i < this.messages.length; i++) this.messages[i].write(w);
    w.endArray();
    w.key("attributes");
    writeAttributes(w, this.attributes);
    w.key("events").beginArray();
    for (let i = 0; i < this.events.length; i++) {
      const e = this.events[i];
      w.beginObject().key("type").string(e.type).key("attributes");
      writeAttributes(w, e.attributes);
      w.endObject();
    }
    w.endArray();
  }

  /** Serialises as a `Response` (execute, instantiate, migrate, sudo, reply). */
  write(w: JsonWriter): void {
    w.beginObject();
    this.writeBody(w);
    w.key("data");
    const data = this.data;
    if (data != null) w.string(base64Encode(data)); else w.null_();
    w.endObject();
  }

  /** Serialises as an `IbcBasicResponse` (channel connect/close, packet ack/timeout). */
  writeIbcBasic(w: JsonWriter): void {
    w.beginObject();
    this.writeBody(w);
    w.endObject();
  }

  /** Serialises as an `IbcReceiveResponse`; `acknowledgement` is the ack bytes (null = async ack). */
  writeIbcReceive(w: JsonWriter, acknowledgement: Uint8Array | null): void {
    w.beginObject();
    w.key("acknowledgement");
    if (acknowledgement != null) w.string(base64Encode(acknowledgement)); else w.null_();
    this.writeBody(w);
    w.endObject();
  }
}
