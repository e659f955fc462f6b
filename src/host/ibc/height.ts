// Heights and timeouts (ibc-go clienttypes.Height, channeltypes.Timeout).
import { HostError } from "../types";
import { ChannelErrors, Height, Packet } from "./types";

/** ibc-go clienttypes.ParseChainID: "<name>-<N>" → revision N, else 0. */
export function revisionNumber(chainId: string): bigint {
  const m = /^.*[^\n-]-([1-9][0-9]*)$/.exec(chainId);
  return m ? BigInt(m[1]) : 0n;
}

export function selfHeight(chain: { readonly chainId: string; readonly height: number }): Height {
  return { revision: revisionNumber(chain.chainId), height: BigInt(chain.height) };
}

export function heightString(h: Height | undefined): string {
  return h ? `${h.revision}-${h.height}` : "0-0";
}

export function heightGTE(a: Height, b: Height): boolean {
  return a.revision > b.revision || (a.revision === b.revision && a.height >= b.height);
}

export function isZeroHeight(h: Height | undefined): boolean {
  return !h || (h.revision === 0n && h.height === 0n);
}

/** Timeout.Elapsed(height, timestamp). */
export function timeoutElapsed(p: Packet, height: Height, timestamp: bigint): boolean {
  return (!isZeroHeight(p.timeoutHeight) && heightGTE(height, p.timeoutHeight!)) || (p.timeoutTimestamp !== 0n && timestamp >= p.timeoutTimestamp);
}

export function timeoutElapsedError(p: Packet, height: Height, timestamp: bigint): HostError {
  if (!isZeroHeight(p.timeoutHeight) && heightGTE(height, p.timeoutHeight!)) {
    return ChannelErrors.timeoutElapsed.wrap(`current height: ${heightString(height)}, timeout height ${heightString(p.timeoutHeight)}`);
  }
  return ChannelErrors.timeoutElapsed.wrap(`current timestamp: ${timestamp}, timeout timestamp ${p.timeoutTimestamp}`);
}

export function timeoutNotReachedError(p: Packet, height: Height, timestamp: bigint): HostError {
  if (!isZeroHeight(p.timeoutHeight) && !heightGTE(height, p.timeoutHeight!)) {
    return ChannelErrors.timeoutNotReached.wrap(`current height: ${heightString(height)}, timeout height ${heightString(p.timeoutHeight)}`);
  }
  return ChannelErrors.timeoutNotReached.wrap(`current timestamp: ${timestamp}, timeout timestamp ${p.timeoutTimestamp}`);
}

/** A zero block timeout means "none". */
export function blockToHeight(b: Height | undefined): Height | undefined {
  return b && !(b.revision === 0n && b.height === 0n) ? b : undefined;
}
