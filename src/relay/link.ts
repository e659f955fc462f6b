/**
 * IBC links between local wasmd chains, with @confio/relayer used as a library.
 *
 *   relayerClient(cfg)              IbcClient for a chain, signing with the "relayer" test account
 *   connectChains(cfgA, cfgB)       new light clients on both sides + an open connection → Link
 *   reuseLink(cfgA, cfgB, connA, connB)   Link over an existing open connection (clients must be Active)
 *   closeLink(link)                 disconnect the RPC clients of a Link (jest would otherwise hang)
 *
 * Light-client trusting period: at most the chain's unbonding period (ibc-go rejects
 * trusting ≥ unbonding); default ⅔ of it, like the library. Our chains default to 90 s unbonding →
 * 60 s trusting period: a client that receives no update for 60 s is Expired for good (no relaying
 * over that connection any more; recovery needs a governance client-substitution). The Relayer
 * loop (relayer.ts) therefore refreshes both clients whenever their newest consensus state is
 * older than ⅓ of the trusting period, and reuseLink refuses expired clients.
 *
 * All signing uses one account per chain ("relayer"): never run two relayers (processes or Links
 * sharing the IbcClient) against the same chain at the same time, or txs fail with
 * "account sequence mismatch" (retried next round by the Relayer loop, but wasteful).
 */
import { IbcClient, Link, Logger } from "./lib";
import { GasPrice } from "@cosmjs/stargate";
import { OfflineDirectSigner } from "@cosmjs/proto-signing";
import { QueryClientStatusRequest, QueryClientStatusResponse } from "cosmjs-types/ibc/core/client/v1/query";
import { AccountName, ChainConfig, accountWallet, testAccount } from "../wasmd";
import { patchEndpoint } from "./events";
import { libraryLogger, relayLog } from "./log";

/** What the relayer needs to know about a chain: a devnet ChainConfig, or one built from an operator's config. */
export type RelayEndpoint = Pick<ChainConfig, "chainId" | "rpcUrl" | "prefix" | "gasPrice" | "blockTimeMs">;

export interface RelayClientOptions {
  /** Test account that signs (default "relayer"; funded at genesis on every devnet chain). */
  account?: AccountName;
  /** Signs instead of a test account (an operator's key on a real network). */
  wallet?: OfflineDirectSigner;
  /** Library logger (default: libraryLogger(`<chainIdA>↔<chainIdB>`), warn and above). */
  logger?: Logger;
  /**
   * How long the library sleeps between height polls while waiting for the next block, in ms
   * (default max(50, blockTimeMs/2) = 100 ms; the library's own examples use 500–3000).
   */
  estimatedBlockTimeMs?: number;
  /**
   * Pause before querying acks written by just-relayed packets (default 50 ms). CometBFT's kv
   * indexer has indexed a tx by the time CosmJS sees it committed, so this can be tiny.
   */
  estimatedIndexerTimeMs?: number;
  /** Gas price (default cfg.gasPrice, e.g. "0.0025ustake"). Fees are "auto" (simulate × 1.3). */
  gasPrice?: string;
  /** How often CosmJS polls for tx inclusion after broadcasting (default max(100, blockTimeMs/2)). */
  broadcastPollIntervalMs?: number;
}

/** An IbcClient for `cfg` signing with opts.wallet, else the "relayer" test account (or opts.account). */
export async function relayerClient(cfg: RelayEndpoint, opts: RelayClientOptions = {}): Promise<IbcClient> {
  const wallet = opts.wallet ?? (await accountWallet(opts.account ?? "relayer", cfg.prefix));
  const [{ address }] = await wallet.getAccounts();
  const expected = testAccount(opts.account ?? "relayer").address;
  if (!opts.wallet && cfg.prefix === "wasm" && address !== expected) throw new Error(`derived ${address}, expected ${expected}`);
  const client = await IbcClient.connectWithSigner(cfg.rpcUrl, wallet, address, {
    gasPrice: GasPrice.fromString(opts.gasPrice ?? cfg.gasPrice),
    estimatedBlockTime: opts.estimatedBlockTimeMs ?? Math.max(50, Math.floor(cfg.blockTimeMs / 2)),
    estimatedIndexerTime: opts.estimatedIndexerTimeMs ?? 50,
    broadcastPollIntervalMs: opts.broadcastPollIntervalMs ?? Math.max(100, Math.floor(cfg.blockTimeMs / 2)),
    broadcastTimeoutMs: 30_000,
    logger: opts.logger,
  });
  if (client.chainId !== cfg.chainId) {
    disconnectClient(client);
    throw new Error(`RPC ${cfg.rpcUrl} answers for chain "${client.chainId}", expected "${cfg.chainId}"`);
  }
  return client;
}

export function disconnectClient(client: IbcClient): void {
  client.sign.disconnect();
  client.tm.disconnect();
}

/** Disconnect both IbcClients of a Link (their RPC connections keep node/jest alive otherwise). */
export function closeLink(link: Link): void {
  disconnectClient(link.endA.client);
  disconnectClient(link.endB.client);
}

export interface ConnectOptions extends RelayClientOptions, LinkSigners {
  /**
   * Trusting period in seconds of the client on B that tracks A (default ⅔ of A's unbonding
   * period, = 60 s on our chains). Must be < A's unbonding period.
   */
  trustPeriodA?: number;
  /** Same for the client on A that tracks B. */
  trustPeriodB?: number;
}

/** Connection and client ids of a Link (A side and B side). */
export interface LinkIds {
  chainA: string;
  chainB: string;
  /** Client on A tracking B. */
  clientA: string;
  /** Client on B tracking A. */
  clientB: string;
  connA: string;
  connB: string;
}

export function linkIds(link: Link): LinkIds {
  return {
    chainA: link.endA.chainId(),
    chainB: link.endB.chainId(),
    clientA: link.endA.clientID,
    clientB: link.endB.clientID,
    connA: link.endA.connectionID,
    connB: link.endB.connectionID,
  };
}

/** Patch both endpoints (see events.ts) — a Link over our chains should always go through this. */
function prepared(link: Link, cfgA: RelayEndpoint, cfgB: RelayEndpoint): Link {
  patchEndpoint(link.endA, cfgA.rpcUrl);
  patchEndpoint(link.endB, cfgB.rpcUrl);
  return link;
}

/** Per-chain signers for a Link (each chain has its own key on a real network). */
export interface LinkSigners {
  walletA?: OfflineDirectSigner;
  walletB?: OfflineDirectSigner;
}

async function clientsFor(cfgA: RelayEndpoint, cfgB: RelayEndpoint, opts: RelayClientOptions & LinkSigners): Promise<[IbcClient, IbcClient, Logger]> {
  if (cfgA.chainId === cfgB.chainId) throw new Error(`cannot link ${cfgA.chainId} to itself`);
  const logger = opts.logger ?? libraryLogger(`${cfgA.chainId}<->${cfgB.chainId}`);
  const a = await relayerClient(cfgA, { ...opts, logger, wallet: opts.walletA ?? opts.wallet });
  let b: IbcClient;
  try {
    b = await relayerClient(cfgB, { ...opts, logger, wallet: opts.walletB ?? opts.wallet });
  } catch (e) {
    disconnectClient(a);
    throw e;
  }
  return [a, b, logger];
}

/** Unbonding period of a chain in seconds (from x/staking params). */
export async function unbondingSeconds(client: IbcClient): Promise<number> {
  return client.getUnbondingPeriod();
}

/**
 * Create a light client of each chain on the other and open a connection between them
 * (MsgCreateClient ×2, MsgUpdateClient ×3, ConnOpenInit/Try/Ack/Confirm). Returns the Link.
 */
export async function connectChains(cfgA: RelayEndpoint, cfgB: RelayEndpoint, opts: ConnectOptions = {}): Promise<Link> {
  const [a, b, logger] = await clientsFor(cfgA, cfgB, opts);
  try {
    const [ubA, ubB] = await Promise.all([a.getUnbondingPeriod(), b.getUnbondingPeriod()]);
    const trustA = opts.trustPeriodA ?? Math.floor((ubA * 2) / 3);
    const trustB = opts.trustPeriodB ?? Math.floor((ubB * 2) / 3);
    if (trustA >= ubA || trustA <= 0) throw new Error(`trustPeriodA ${trustA}s must be in (0, ${ubA}) (unbonding of ${cfgA.chainId})`);
    if (trustB >= ubB || trustB <= 0) throw new Error(`trustPeriodB ${trustB}s must be in (0, ${ubB}) (unbonding of ${cfgB.chainId})`);
    const t0 = Date.now();
    const link = await Link.createWithNewConnections(a, b, logger, trustA, trustB);
    const ids = linkIds(link);
    relayLog(
      `${cfgA.chainId}<->${cfgB.chainId}: connection ${ids.connA}/${ids.connB} (clients ${ids.clientA}/${ids.clientB}, ` +
        `trusting ${trustB}s/${trustA}s) in ${((Date.now() - t0) / 1000).toFixed(1)}s`,
    );
    return prepared(link, cfgA, cfgB);
  } catch (e) {
    disconnectClient(a);
    disconnectClient(b);
    throw e;
  }
}

/** ibc-go client status: "Active", "Expired", "Frozen", "Unknown" or "Unauthorized". */
export async function clientStatus(client: IbcClient, clientId: string): Promise<string> {
  const res = await client.query.queryAbci(
    "/ibc.core.client.v1.Query/ClientStatus",
    QueryClientStatusRequest.encode({ clientId }).finish(),
  );
  return QueryClientStatusResponse.decode(res.value).status;
}

/**
 * A Link over an existing open connection (connA on cfgA, connB on cfgB). Throws when the
 * connection is missing / not open / not each other's counterparty (library checks), or when
 * either light client is not Active (e.g. Expired after > trusting period without updates).
 */
export async function reuseLink(
  cfgA: RelayEndpoint,
  cfgB: RelayEndpoint,
  connA: string,
  connB: string,
  opts: RelayClientOptions & LinkSigners = {},
): Promise<Link> {
  const [a, b, logger] = await clientsFor(cfgA, cfgB, opts);
  try {
    const link = await Link.createWithExistingConnections(a, b, connA, connB, logger);
    const [sA, sB] = await Promise.all([clientStatus(a, link.endA.clientID), clientStatus(b, link.endB.clientID)]);
    if (sA !== "Active" || sB !== "Active") {
      throw new Error(
        `light clients of ${connA}/${connB} are not usable: ${cfgA.chainId} ${link.endA.clientID} ${sA}, ` +
          `${cfgB.chainId} ${link.endB.clientID} ${sB}`,
      );
    }
    return prepared(link, cfgA, cfgB);
  } catch (e) {
    disconnectClient(a);
    disconnectClient(b);
    throw e;
  }
}

/** Trusting period (s) and age (s, by the tracked chain's clock) of the newest consensus state of both clients. */
export async function clientFreshness(link: Link): Promise<{
  A: { trustingPeriodSec: number; ageSec: number; status: string };
  B: { trustingPeriodSec: number; ageSec: number; status: string };
}> {
  const one = async (side: "A" | "B") => {
    const [end, other] = side === "A" ? [link.endA, link.endB] : [link.endB, link.endA];
    const [state, cons, header, status] = await Promise.all([
      end.client.query.ibc.client.stateTm(end.clientID),
      end.client.query.ibc.client.consensusStateTm(end.clientID),
      other.client.latestHeader(),
      clientStatus(end.client, end.clientID),
    ]);
    const trustingPeriodSec = Number(state.trustingPeriod?.seconds ?? 0n);
    const ageSec = header.time.getTime() / 1000 - Number(cons.timestamp?.seconds ?? 0n);
    return { trustingPeriodSec, ageSec, status };
  };
  const [A, B] = await Promise.all([one("A"), one("B")]);
  return { A, B };
}
