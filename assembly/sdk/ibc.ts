// IBC entry-point inputs (cosmwasm-abi.md §3.4) and the ICS acknowledgement envelope.
import { base64Encode } from "./base64";
import { Fields, Variant } from "./decode";
import { fail } from "./error";
import { JsonValue, JsonWriter } from "./json";

export class IbcEndpoint {
  constructor(public portId: string, public channelId: string) {}
  static read(f: Fields): IbcEndpoint {
    const e = new IbcEndpoint(f.str("port_id"), f.str("channel_id"));
    return e;
  }
}

export class IbcChannel {
  constructor(
    public endpoint: IbcEndpoint,
    public counterpartyEndpoint: IbcEndpoint,
    public ordered: bool,
    public version: string,
    public connectionId: string,
  ) {}

  static read(f: Fields): IbcChannel {
    const endpoint = f.obj("endpoint");
    const counterparty = f.obj("counterparty_endpoint");
    const channel = new IbcChannel(
      IbcEndpoint.read(endpoint),
      IbcEndpoint.read(counterparty),
      f.str("order") == "ORDER_ORDERED",
      f.str("version"),
      f.str("connection_id"),
    );
    f.absorb(endpoint);
    f.absorb(counterparty);
    return channel;
  }
}

/** ibc_channel_open / ibc_channel_connect / ibc_channel_close message: the handshake step and the channel. */
export class IbcChannelMsg {
  constructor(public step: string, public channel: IbcChannel, public counterpartyVersion: string | null) {}

  static decode(json: JsonValue | null): IbcChannelMsg | null {
    const variant = Variant.of(json, "msg");
    if (variant == null) return null;
    const f = variant.fields;
    const channelFields = f.obj("channel");
    const channel = IbcChannel.read(channelFields);
    f.absorb(channelFields);
    const counterpartyVersion = f.optStr("counterparty_version");
    if (!f.finishLenient()) return null;
    const step = variant.name;
    if (step != "open_init" && step != "open_try" && step != "open_ack" && step != "open_confirm" &&
        step != "close_init" && step != "close_confirm") return fail<IbcChannelMsg>("unknown channel step " + step);
    return new IbcChannelMsg(step, channel, counterpartyVersion);
  }
}

export class IbcPacket {
  constructor(
    public data: Uint8Array,
    public src: IbcEndpoint,
    public dest: IbcEndpoint,
    public sequence: u64,
    public timeoutHeight: u64,
    public timeoutTimestamp: u64,
  ) {}

  static read(f: Fields): IbcPacket {
    const src = f.obj("src");
    const dest = f.obj("dest");
    const timeout = f.obj("timeout");
    const block = timeout.optObj("block");
    let height: u64 = 0;
    if (block != null) {
      block.ignore("revision");
      height = block.u64("height");
      timeout.absorb(block);
    }
    const packet = new IbcPacket(
      f.binary("data"), IbcEndpoint.read(src), IbcEndpoint.read(dest), f.u64("sequence"),
      height, timeout.optU64String("timestamp", 0),
    );
    f.absorb(src);
    f.absorb(dest);
    f.absorb(timeout);
    return packet;
  }
}

/** ibc_packet_receive and ibc_packet_timeout inputs. */
export class IbcPacketMsg {
  constructor(public packet: IbcPacket, public relayer: string) {}

  static decode(json: JsonValue | null): IbcPacketMsg | null {
    const f = Fields.of(json, "msg");
    if (f == null) return null;
    const packetFields = f.obj("packet");
    const packet = IbcPacket.read(packetFields);
    f.absorb(packetFields);
    const relayer = f.str("relayer");
    if (!f.finishLenient()) return null;
    return new IbcPacketMsg(packet, relayer);
  }
}

export class IbcPacketAckMsg {
  constructor(public acknowledgement: Uint8Array, public originalPacket: IbcPacket, public relayer: string) {}

  static decode(json: JsonValue | null): IbcPacketAckMsg | null {
    const f = Fields.of(json, "msg");
    if (f == null) return null;
    const ack = f.obj("acknowledgement");
    const data = ack.binary("data");
    f.absorb(ack);
    const packetFields = f.obj("original_packet");
    const packet = IbcPacket.read(packetFields);
    f.absorb(packetFields);
    const relayer = f.str("relayer");
    if (!f.finishLenient()) return null;
    return new IbcPacketAckMsg(data, packet, relayer);
  }
}

/** The ICS-20-style acknowledgement envelope: `{"result":"<base64>"}` or `{"error":"<message>"}`. */
export function ackSuccess(result: Uint8Array): Uint8Array {
  const w = new JsonWriter();
  w.beginObject().key("result").string(base64Encode(result)).endObject();
  return w.toBytes();
}

export function ackError(message: string): Uint8Array {
  const w = new JsonWriter();
  w.beginObject().key("error").string(message).endObject();
  return w.toBytes();
}

/**
 * ibc_destination_callback input (ibc-go's callbacks middleware, wasmvm 2.1+): a packet of another app (e.g. an
 * ICS-20 transfer) was received with `{"dest_callback":{"address":<this contract>}}` in its memo and acknowledged
 * successfully. Anyone can name any contract in a memo: the contract must check where the packet came from.
 */
export class IbcDestinationCallbackMsg {
  constructor(public ack: Uint8Array, public packet: IbcPacket) {}

  static decode(json: JsonValue | null): IbcDestinationCallbackMsg | null {
    const f = Fields.of(json, "msg");
    if (f == null) return null;
    const ack = f.obj("ack");
    const data = ack.binary("data");
    f.absorb(ack);
    const packetFields = f.obj("packet");
    const packet = IbcPacket.read(packetFields);
    f.absorb(packetFields);
    if (!f.finishLenient()) return null;
    return new IbcDestinationCallbackMsg(data, packet);
  }
}

/**
 * ibc_source_callback input: a packet this contract sent (it must be the sender) with `{"src_callback":{"address":
 * <this contract>}}` in its memo was acknowledged (`acknowledgement` set) or timed out (`acknowledgement` null).
 */
export class IbcSourceCallbackMsg {
  constructor(public acknowledgement: Uint8Array | null, public packet: IbcPacket, public relayer: string) {}

  static decode(json: JsonValue | null): IbcSourceCallbackMsg | null {
    const f = Fields.of(json, "msg");
    if (f == null) return null;
    const acked = f.optObj("acknowledgement");
    const timedOut = f.optObj("timeout");
    if ((acked == null) == (timedOut == null)) {
      f.error("msg: expected exactly one of acknowledgement, timeout");
      f.finishLenient();
      return null;
    }
    const inner = acked != null ? acked : timedOut!;
    let data: Uint8Array | null = null;
    if (acked != null) {
      const ack = acked.obj("acknowledgement");
      data = ack.binary("data");
      acked.absorb(ack);
    }
    const packetFields = inner.obj(acked != null ? "original_packet" : "packet");
    const packet = IbcPacket.read(packetFields);
    inner.absorb(packetFields);
    const relayer = inner.str("relayer");
    f.absorb(inner);
    if (!f.finishLenient()) return null;
    return new IbcSourceCallbackMsg(data, packet, relayer);
  }
}
