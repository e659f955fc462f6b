// A connection to one configured chain, checked before anything is signed: the RPC answers, it serves the chain id
// the config names, and the key loads. Every later failure is then about the transaction itself.
import { SigningCosmWasmClient, setupWasmExtension } from "@cosmjs/cosmwasm-stargate";
import { DirectSecp256k1Wallet } from "@cosmjs/proto-signing";
import { GasPrice, QueryClient, setupBankExtension, setupGovExtension, setupIbcExtension, setupStakingExtension } from "@cosmjs/stargate";
import { CometClient, connectComet } from "@cosmjs/tendermint-rpc";
import { ChainSpec } from "./config";
import { MeshError } from "./errors";
import { loadWallet } from "./keys";

export interface RpcStatus {
  chainId: string;
  height: number;
}

/** GET <rpc>/status with a timeout; a clear MeshError when the node cannot be reached or is another chain. */
export async function checkRpc(spec: Pick<ChainSpec, "id" | "rpc">, timeoutMs = 5000): Promise<RpcStatus> {
  let body: any;
  try {
    const res = await fetch(`${spec.rpc}/status`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    body = await res.json();
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    const reason = err.name === "TimeoutError" ? `no answer within ${timeoutMs / 1000}s` : (err.cause?.code ?? err.cause?.message ?? err.message);
    throw new MeshError(`cannot reach the RPC of ${spec.id} at ${spec.rpc} (${reason}): is the node running and the URL right?`);
  }
  const chainId = body?.result?.node_info?.network;
  const height = Number(body?.result?.sync_info?.latest_block_height);
  if (typeof chainId !== "string") throw new MeshError(`${spec.rpc} does not look like a CometBFT RPC (no node_info.network in /status)`);
  if (chainId !== spec.id) {
    throw new MeshError(`wrong chain id: the config says "${spec.id}" but the RPC at ${spec.rpc} serves "${chainId}"`);
  }
  return { chainId, height };
}

function modules(comet: CometClient) {
  return QueryClient.withExtensions(comet, setupBankExtension, setupStakingExtension, setupGovExtension, setupIbcExtension, setupWasmExtension);
}
export type ChainQueries = ReturnType<typeof modules>;

export interface ChainSession {
  spec: ChainSpec;
  /** The deployer's address on this chain. */
  address: string;
  wallet: DirectSecp256k1Wallet;
  client: SigningCosmWasmClient;
  query: ChainQueries;
  gasPrice: GasPrice;
  /** CosmJS "auto" fee with this multiplier. */
  fee: number;
  disconnect(): void;
}

export async function openSession(spec: ChainSpec, baseDir: string, env: NodeJS.ProcessEnv = process.env): Promise<ChainSession> {
  const wallet = await loadWallet(spec, baseDir, env);
  await checkRpc(spec);
  const [{ address }] = await wallet.getAccounts();
  const gasPrice = GasPrice.fromString(spec.gas_price);
  const client = await SigningCosmWasmClient.connectWithSigner(spec.rpc, wallet, {
    gasPrice,
    broadcastPollIntervalMs: Math.max(100, Math.floor(spec.block_time_ms / 2)),
    broadcastTimeoutMs: Math.max(30_000, spec.block_time_ms * 30),
  });
  const comet = await connectComet(spec.rpc);
  return {
    spec, address, wallet, client, gasPrice, fee: 1.4, query: modules(comet),
    disconnect: () => {
      client.disconnect();
      comet.disconnect();
    },
  };
}

/** Sessions for several chains, opened once each and closed together. */
export class Sessions {
  private readonly open = new Map<string, Promise<ChainSession>>();

  constructor(private readonly specs: ChainSpec[], private readonly baseDir: string, private readonly env: NodeJS.ProcessEnv = process.env) {}

  get(chainId: string): Promise<ChainSession> {
    let s = this.open.get(chainId);
    if (!s) {
      const spec = this.specs.find((c) => c.id === chainId);
      if (!spec) return Promise.reject(new MeshError(`chain "${chainId}" is not in the config`));
      s = openSession(spec, this.baseDir, this.env);
      s.catch(() => this.open.delete(chainId));
      this.open.set(chainId, s);
    }
    return s;
  }

  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    for (const s of all) await s.then((x) => x.disconnect(), () => undefined);
  }
}
