// Gas of the relayer's transactions (MsgRecvPacket, MsgAcknowledgement, MsgTimeout, …): that is where the
// contracts' IBC entry points run, so it is the cost of "consumer receive" and "provider ack handling".
import { CosmWasmClient } from "@cosmjs/cosmwasm-stargate";
import { decodeTxRaw } from "@cosmjs/proto-signing";
import { ChainConfig, TEST_ACCOUNTS } from "../../wasmd";
import { TxOutcome } from "../types";

export interface RelayTxGas {
  chainId: string;
  height: number;
  /** Message types in the tx, without the "/ibc.core.channel.v1." prefix, e.g. ["MsgUpdateClient","MsgRecvPacket"]. */
  messages: string[];
  gasUsed: number;
}

/** The relayer account's transactions on `cfg` from `sinceHeight` (exclusive). */
export async function relayerTxGas(cfg: ChainConfig, sinceHeight: number): Promise<RelayTxGas[]> {
  const client = await CosmWasmClient.connect(cfg.rpcUrl);
  try {
    const txs = await client.searchTx(`message.sender='${TEST_ACCOUNTS.relayer.address}' AND tx.height>${sinceHeight}`);
    return txs.map((tx) => ({
      chainId: cfg.chainId,
      height: tx.height,
      messages: decodeTxRaw(tx.tx).body.messages.map((m) => m.typeUrl.split(".").pop() ?? m.typeUrl),
      gasUsed: Number(tx.gasUsed),
    }));
  } finally {
    client.disconnect();
  }
}

/** The gas of the one relayer tx among `txs` that carries `msg` (e.g. "MsgRecvPacket"); throws unless exactly one does. */
export function singleRelayTx(txs: RelayTxGas[], msg: string, chainId: string): number {
  const found = txs.filter((t) => t.messages.includes(msg));
  if (found.length !== 1) throw new Error(`expected one ${msg} tx on ${chainId}, got ${found.length}`);
  return found[0].gasUsed;
}

export async function currentHeight(cfg: ChainConfig): Promise<number> {
  const client = await CosmWasmClient.connect(cfg.rpcUrl);
  try {
    return await client.getHeight();
  } finally {
    client.disconnect();
  }
}

/** The gas a successful transaction used; throws with `what` and the error when it failed. */
export function gasOf(r: TxOutcome, what: string): number {
  if (!r.ok) throw new Error(`${what} failed: ${r.error}`);
  return r.gasUsed ?? 0;
}
