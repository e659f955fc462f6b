/**
 * CosmJS 0.32 clients for the local chains.
 *
 * Fees: pass DEFAULT_FEE (= 1.4, i.e. "auto" — simulate, then gas × 1.4 at cfg.gasPrice) as the
 * `fee` argument of SigningCosmWasmClient methods. CosmJS's own "auto" uses 1.3.
 */
import { CosmWasmClient, SigningCosmWasmClient, setupWasmExtension, WasmExtension } from "@cosmjs/cosmwasm-stargate";
import { DirectSecp256k1Wallet } from "@cosmjs/proto-signing";
import {
  BankExtension,
  GasPrice,
  GovExtension,
  IbcExtension,
  QueryClient,
  StakingExtension,
  DistributionExtension,
  setupBankExtension,
  setupDistributionExtension,
  setupGovExtension,
  setupIbcExtension,
  setupSlashingExtension,
  setupStakingExtension,
} from "@cosmjs/stargate";
import { CometClient, connectComet } from "@cosmjs/tendermint-rpc";
import { QueryBalanceRequest, QueryBalanceResponse } from "cosmjs-types/cosmos/bank/v1beta1/query";
import { AccountName, accountWallet } from "./accounts";
import { ChainConfig } from "./config";
import { rpcStatus } from "./node";
import { sleep } from "./proc";

/** Gas multiplier used as the default fee ("auto" with 1.4 × simulated gas). */
export const DEFAULT_GAS_MULTIPLIER = 1.4;
export const DEFAULT_FEE: number = DEFAULT_GAS_MULTIPLIER;

export interface ConnectedSigner {
  /** Name of the test account. */
  name: AccountName;
  address: string;
  client: SigningCosmWasmClient;
  wallet: DirectSecp256k1Wallet;
  gasPrice: GasPrice;
  /** Use as the `fee` argument: "auto" with a 1.4 gas multiplier. */
  fee: number;
}

/** A SigningCosmWasmClient for one of the fixed test accounts, on the main validator's RPC. */
export async function connectSigner(cfg: ChainConfig, accountName: AccountName): Promise<ConnectedSigner> {
  // The key is derived once (accountWallet): an HD wallet re-derives it for every signature, which is slow in jest.
  const wallet = await accountWallet(accountName, cfg.prefix);
  const [{ address }] = await wallet.getAccounts();
  const gasPrice = GasPrice.fromString(cfg.gasPrice);
  // CosmJS polls for tx inclusion every 3s by default; blocks here take ~0.2s.
  const client = await SigningCosmWasmClient.connectWithSigner(cfg.rpcUrl, wallet, {
    gasPrice,
    broadcastPollIntervalMs: Math.max(100, cfg.blockTimeMs),
    broadcastTimeoutMs: 30_000,
  });
  return { name: accountName, address, client, wallet, gasPrice, fee: DEFAULT_FEE };
}

/** Read-only CosmWasm client (balances, contracts, txs, height). */
export function queryClient(cfg: ChainConfig): Promise<CosmWasmClient> {
  return CosmWasmClient.connect(cfg.rpcUrl);
}

/** Not re-exported by @cosmjs/stargate 0.32's index. */
export type SlashingExtension = ReturnType<typeof setupSlashingExtension>;

export type ModuleQueryClient = QueryClient &
  BankExtension &
  StakingExtension &
  SlashingExtension &
  DistributionExtension &
  GovExtension &
  IbcExtension &
  WasmExtension;

/**
 * Module query client (bank, staking, slashing, distribution, gov, ibc, wasm). Call
 * `comet.disconnect()` when done.
 */
export async function moduleQueryClient(cfg: ChainConfig): Promise<{ query: ModuleQueryClient; comet: CometClient }> {
  const comet = await connectComet(cfg.rpcUrl);
  const query = QueryClient.withExtensions(
    comet,
    setupBankExtension,
    setupStakingExtension,
    setupSlashingExtension,
    setupDistributionExtension,
    setupGovExtension,
    setupIbcExtension,
    setupWasmExtension,
  );
  return { query, comet };
}

/** Latest block height of the chain's main RPC (throws if it does not answer). */
export async function getHeight(cfg: ChainConfig): Promise<number> {
  const st = await rpcStatus(cfg.rpcUrl, 2000);
  if (!st) throw new Error(`RPC ${cfg.rpcUrl} of ${cfg.chainId} does not answer`);
  return st.height;
}

/** Wait until the chain's height is ≥ height; returns the height seen. */
export async function waitForHeight(cfg: ChainConfig, height: number, timeoutMs?: number): Promise<number> {
  const limit = timeoutMs ?? Math.max(10_000, (height - (await getHeight(cfg).catch(() => 0))) * cfg.blockTimeMs * 10);
  const deadline = Date.now() + limit;
  let last = -1;
  for (;;) {
    const st = await rpcStatus(cfg.rpcUrl, 2000);
    if (st) {
      last = st.height;
      if (st.height >= height) return st.height;
    }
    if (Date.now() > deadline) {
      throw new Error(`${cfg.chainId}: height ${height} not reached within ${limit}ms (last seen ${last})`);
    }
    await sleep(Math.min(100, cfg.blockTimeMs / 2));
  }
}

/** Wait for n more blocks after the current height; returns the height reached. */
export async function waitForBlocks(cfg: ChainConfig, n = 1, timeoutMs?: number): Promise<number> {
  const h = await getHeight(cfg);
  return waitForHeight(cfg, h + n, timeoutMs ?? Math.max(10_000, n * cfg.blockTimeMs * 10));
}

/**
 * Balance of `address` in `denom` as of block `height` (state after that block), via an ABCI
 * query at that height. Exact deltas around a tx: getBalanceAt(h - 1) vs getBalanceAt(h).
 */
export async function getBalanceAt(cfg: ChainConfig, address: string, denom: string, height: number): Promise<bigint> {
  const comet = await connectComet(cfg.rpcUrl);
  try {
    const q = new QueryClient(comet);
    const res = await q.queryAbci(
      "/cosmos.bank.v1beta1.Query/Balance",
      QueryBalanceRequest.encode({ address, denom }).finish(),
      height,
    );
    return BigInt(QueryBalanceResponse.decode(res.value).balance?.amount ?? "0");
  } finally {
    comet.disconnect();
  }
}
