// What each mesh contract is instantiated with, derived from the config: one definition for `mesh deploy`,
// `mesh instantiate` and `mesh propose instantiate`, so a contract created by a proposal is recognised by deploy
// (same code, same label) and never created twice.
import type * as Ilp from "../contracts/Ilp.types";
import type * as LocalStaking from "../contracts/LocalStaking.types";
import type * as MeshConsumer from "../contracts/MeshConsumer.types";
import type * as MeshProvider from "../contracts/MeshProvider.types";
import type * as MetaStaking from "../contracts/MetaStaking.types";
import { MeshConfig, chainSpec, meshLink } from "./config";
import { MeshContract } from "./artifacts";
import { MeshError } from "./errors";
import { DeploymentRecord } from "./record";

export interface InstantiatePlan {
  chainId: string;
  contract: MeshContract;
  label: string;
  msg: Record<string, unknown>;
  /** For mesh-provider / mesh-consumer: the other chain of the link. */
  counterparty?: string;
}

export const labels = {
  ilp: () => "mesh ilp",
  metaStaking: () => "mesh meta-staking",
  provider: (consumer: string) => `mesh provider for ${consumer}`,
  consumer: (provider: string) => `mesh consumer for ${provider}`,
  localStaking: () => "mesh local staking",
  localMetaStaking: () => "mesh local meta-staking",
};

/** The local staking config of `chainId`, if it has one. */
export function localStakingOf(config: MeshConfig, chainId: string) {
  return config.localStaking?.find((l) => l.chain === chainId);
}

/** Contracts each chain needs: ILP + mesh-provider where it provides, meta-staking + mesh-consumer where it consumes. */
export function contractsFor(config: MeshConfig, chainId: string): MeshContract[] {
  const out: MeshContract[] = [];
  if (config.mesh.some((l) => l.provider === chainId)) out.push("ilp", "mesh-provider");
  if (config.mesh.some((l) => l.consumer === chainId)) out.push("meta-staking", "mesh-consumer");
  // Local staking: a meta-staking instance of its own (same code) and the local-staking contract.
  if (localStakingOf(config, chainId)) {
    if (!out.includes("meta-staking")) out.push("meta-staking");
    out.push("local-staking");
  }
  return out;
}

/** The other chain of the link a mesh-provider (role "provider") or mesh-consumer on `chainId` belongs to. */
export function counterpartyOf(config: MeshConfig, chainId: string, contract: MeshContract, given?: string): string {
  const role = contract === "mesh-provider" ? "provider" : "consumer";
  const candidates = config.mesh.filter((l) => l[role] === chainId).map((l) => (role === "provider" ? l.consumer : l.provider));
  if (given) return given;
  if (candidates.length === 1) return candidates[0];
  throw new MeshError(`${contract} on ${chainId}: say which link (--for <chain>; candidates: ${candidates.join(", ") || "none in the config"})`);
}

/** The label deploy gives (and looks for) a mesh contract on `chainId`. */
export function planLabel(config: MeshConfig, chainId: string, contract: MeshContract, counterparty?: string): string {
  if (contract === "ilp") return labels.ilp();
  if (contract === "meta-staking") return labels.metaStaking();
  if (contract === "local-staking") return labels.localStaking();
  const other = counterpartyOf(config, chainId, contract, counterparty);
  return contract === "mesh-provider" ? labels.provider(other) : labels.consumer(other);
}

/**
 * The instantiation of `contract` on `chainId` (for a link's contract, `counterparty` names the other chain).
 * `admin` goes into the contract's own admin field (who may call set_consumer / set_allowance …); omitted, it is
 * the sender (the deployer, or the gov module account for a proposal).
 */
export function instantiatePlan(
  config: MeshConfig, record: DeploymentRecord, chainId: string, contract: MeshContract, counterparty?: string, admin?: string,
): InstantiatePlan {
  const admins = admin ? { admin } : {};
  switch (contract) {
    case "ilp": {
      const msg: Ilp.InstantiateMsg = { denom: chainSpec(config, chainId).denom };
      return { chainId, contract, label: labels.ilp(), msg: { ...msg } };
    }
    case "meta-staking": {
      const unbonding = chainSpec(config, chainId).unbonding_period_seconds;
      if (unbonding === undefined) throw new MeshError(`meta-staking on ${chainId} needs the chain's unbonding_period_seconds in the config`);
      const msg: MetaStaking.InstantiateMsg = { unbonding_period_seconds: unbonding, ...admins };
      return { chainId, contract, label: labels.metaStaking(), msg: { ...msg } };
    }
    case "mesh-provider": {
      const consumer = counterpartyOf(config, chainId, contract, counterparty);
      const link = meshLink(config, chainId, consumer);
      const ilp = record.chains[chainId]?.ilp;
      if (!ilp) throw new MeshError(`mesh-provider on ${chainId} needs the ILP's address: instantiate the ILP first (mesh instantiate --chain ${chainId})`);
      const msg: MeshProvider.InstantiateMsg = {
        ilp, unbonding_period_seconds: link.unbonding_period_seconds, packet_timeout_seconds: link.packet_timeout_seconds, ...admins,
      };
      return { chainId, contract, label: labels.provider(consumer), msg: { ...msg }, counterparty: consumer };
    }
    case "local-staking": {
      const local = localStakingOf(config, chainId);
      if (!local) throw new MeshError(`local-staking on ${chainId}: the config has no local_staking entry for ${chainId}`);
      const cr = record.chains[chainId];
      if (!cr?.ilp || !cr.local_meta_staking) {
        throw new MeshError(`local-staking on ${chainId} needs the ILP's and its meta-staking's addresses: instantiate them first (mesh deploy)`);
      }
      const msg: LocalStaking.InstantiateMsg = { ilp: cr.ilp, meta_staking: cr.local_meta_staking, max_slash: local.max_slash };
      return { chainId, contract, label: labels.localStaking(), msg: { ...msg } };
    }
    case "mesh-consumer": {
      const provider = counterpartyOf(config, chainId, contract, counterparty);
      const link = meshLink(config, provider, chainId);
      const metaStaking = record.chains[chainId]?.meta_staking;
      if (!metaStaking) throw new MeshError(`mesh-consumer on ${chainId} needs meta-staking's address: instantiate meta-staking first`);
      const msg: MeshConsumer.InstantiateMsg = {
        meta_staking: metaStaking, rate: link.rate, discount: link.discount, packet_timeout_seconds: link.packet_timeout_seconds, ...admins,
      };
      return { chainId, contract, label: labels.consumer(provider), msg: { ...msg }, counterparty: provider };
    }
  }
}

/** The meta-staking instance local-staking administers: meta-staking's code, a label of its own. */
export function localMetaStakingPlan(config: MeshConfig, chainId: string): InstantiatePlan {
  const plan = instantiatePlan(config, { version: 1, chains: {}, links: {} }, chainId, "meta-staking");
  return { ...plan, label: labels.localMetaStaking() };
}
