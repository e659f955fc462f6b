// The local devnet as a mesh config: `npm start` and the docker-compose deploy job drive the same deploy code as
// an operator on a testnet, with the devnet's public "admin" test account as the key.
import * as path from "path";
import { ChainConfig, REPO_ROOT, chainConfig } from "../wasmd";
import { ChainSpec, MeshConfig, MeshLinkSpec } from "./config";
import { providerUnbondingPeriod } from "../protocol";

export function devnetChainSpec(cfg: ChainConfig, account = "admin"): ChainSpec {
  return {
    id: cfg.chainId, rpc: cfg.rpcUrl, prefix: cfg.prefix, gas_price: cfg.gasPrice, denom: cfg.denom,
    key: { devnet_account: account }, block_time_ms: cfg.blockTimeMs, unbonding_period_seconds: cfg.unbondingSeconds,
  };
}

/**
 * The devnet link `provider -> consumer` with the parameters `npm start` uses: a 30 s packet timeout and the
 * shortest provider unbonding period that covers the consumer's (plus a few seconds).
 */
export function devnetLink(provider: ChainConfig, consumer: ChainConfig): MeshLinkSpec {
  const packetTimeoutSeconds = 30;
  return {
    provider: provider.chainId, consumer: consumer.chainId,
    unbonding_period_seconds: providerUnbondingPeriod(consumer.unbondingSeconds, packetTimeoutSeconds), packet_timeout_seconds: packetTimeoutSeconds,
    rate: "1", discount: "0.1", meta_staking_funds: "10000000", allowance: "5000000", reward_commission: "0",
  };
}

/** `localStaking`: the chains whose ILP collateral may also be staked at home (docs/local-staking.md). */
export function devnetMeshConfig(chains: ChainConfig[], links: MeshLinkSpec[], deploymentFile: string, localStaking: string[] = []): MeshConfig {
  return {
    baseDir: REPO_ROOT,
    chains: chains.map((c) => devnetChainSpec(c)),
    mesh: links,
    ...(localStaking.length ? { localStaking: localStaking.map((chain) => ({ chain, max_slash: "0.05" })) } : {}),
    artifacts: path.join(REPO_ROOT, "artifacts"),
    deployment: deploymentFile,
  };
}

/** mesh-a provides to mesh-b and stakes its collateral at home too, as in `npm start`. */
export function defaultDevnetConfig(deploymentFile: string): MeshConfig {
  const [a, b] = [chainConfig("mesh-a"), chainConfig("mesh-b")];
  return devnetMeshConfig([a, b], [devnetLink(a, b)], deploymentFile, [a.chainId]);
}
