/**
 * ICS-20 helpers: voucher denoms, escrow addresses, sending a MsgTransfer with precise timeouts.
 */
import { createHash } from "crypto";
import { toBech32 } from "@cosmjs/encoding";
import type { EncodeObject } from "@cosmjs/proto-signing";
import type { Coin, DeliverTxResponse, StdFee } from "@cosmjs/stargate";
import { MsgTransfer } from "cosmjs-types/ibc/applications/transfer/v1/tx";
import { Height } from "cosmjs-types/ibc/core/client/v1/client";
import { ICS20_VERSION, TRANSFER_PORT } from "./channel";

/** "ibc/<HASH>" for a denom trace, e.g. ibcDenom("transfer/channel-0/ucosm"). HASH = uppercase hex sha256(trace). */
export function ibcDenom(trace: string): string {
  return `ibc/${createHash("sha256").update(trace).digest("hex").toUpperCase()}`;
}

/** Voucher denom on the receiving chain for `baseDenom` arriving over (port, channel on the receiving side). */
export function voucherDenom(channelOnReceiver: string, baseDenom: string, port = TRANSFER_PORT): string {
  return ibcDenom(`${port}/${channelOnReceiver}/${baseDenom}`);
}

/**
 * ICS-20 escrow account of a channel (ibc-go GetEscrowAddress, ADR-028 style):
 * sha256("ics20-1" ‖ 0x00 ‖ "<port>/<channel>")[:20], bech32 with `prefix`.
 */
export function escrowAddress(channel: string, prefix: string, port = TRANSFER_PORT): string {
  const pre = Buffer.concat([Buffer.from(ICS20_VERSION), Buffer.from([0]), Buffer.from(`${port}/${channel}`)]);
  return toBech32(prefix, createHash("sha256").update(pre).digest().subarray(0, 20));
}

/** Anything that can sign and broadcast (SigningCosmWasmClient, SigningStargateClient). */
export interface TxSender {
  signAndBroadcast(signer: string, msgs: readonly EncodeObject[], fee: StdFee | "auto" | number, memo?: string): Promise<DeliverTxResponse>;
}

export interface TransferOptions {
  /** Source channel (on the sender's chain). */
  channel: string;
  receiver: string;
  amount: Coin;
  /** Absolute timeout timestamp in ns since the epoch (compared with the receiver's block time). */
  timeoutTimestampNs?: bigint;
  /** Relative timeout: now (local clock = chain clock on a local devnet) + this many ms. */
  timeoutInMs?: number;
  /** Timeout height on the receiving chain. */
  timeoutHeight?: { revisionNumber?: bigint; revisionHeight: bigint };
  memo?: string;
  port?: string;
  /** Fee argument (default 1.4 = "auto" with a 1.4 gas multiplier). */
  fee?: StdFee | "auto" | number;
}

export interface TransferResult {
  tx: DeliverTxResponse;
  /** Packet sequence on the source channel (from the send_packet event). */
  sequence: bigint;
  timeoutTimestampNs: bigint;
}

/**
 * Send an ICS-20 MsgTransfer. Without any timeout option the packet times out 10 minutes from
 * now. Throws when the tx fails.
 */
export async function sendTransfer(client: TxSender, sender: string, o: TransferOptions): Promise<TransferResult> {
  let timeoutTimestampNs = o.timeoutTimestampNs ?? 0n;
  if (o.timeoutInMs !== undefined) timeoutTimestampNs = BigInt(Date.now() + o.timeoutInMs) * 1_000_000n;
  if (timeoutTimestampNs === 0n && !o.timeoutHeight) timeoutTimestampNs = BigInt(Date.now() + 600_000) * 1_000_000n;
  const msg = {
    typeUrl: "/ibc.applications.transfer.v1.MsgTransfer",
    value: MsgTransfer.fromPartial({
      sourcePort: o.port ?? TRANSFER_PORT,
      sourceChannel: o.channel,
      token: o.amount,
      sender,
      receiver: o.receiver,
      timeoutHeight: o.timeoutHeight ? Height.fromPartial({ revisionNumber: o.timeoutHeight.revisionNumber ?? 0n, revisionHeight: o.timeoutHeight.revisionHeight }) : undefined,
      timeoutTimestamp: timeoutTimestampNs,
      memo: o.memo ?? "",
    }),
  };
  const tx = await client.signAndBroadcast(sender, [msg], o.fee ?? 1.4);
  if (tx.code !== 0) throw new Error(`MsgTransfer failed (code ${tx.code}): ${tx.rawLog}`);
  const seq = tx.events
    .find((e) => e.type === "send_packet")
    ?.attributes.find((a) => a.key === "packet_sequence")?.value;
  if (seq === undefined) throw new Error(`MsgTransfer ${tx.transactionHash}: no send_packet event`);
  return { tx, sequence: BigInt(seq), timeoutTimestampNs };
}
