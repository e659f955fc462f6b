// Instantiating the mesh contracts of every chain, idempotently: a recorded contract that still exists with the
// recorded code is kept; one with the planned label and code (e.g. created by a governance proposal) is adopted;
// only then is a new one instantiated. Also funds meta-staking and sets each consumer's allowance, and hands a local
// staking chain's own meta-staking instance to its local-staking contract.
import { MetaStakingClient, MetaStakingQueryClient } from "../contracts/MetaStaking.client";
import { MetaStakingExecuteMsgBuilder } from "../contracts/MetaStaking.message-builder";
import { metaStakingErrors } from "../contracts/errors";
import { MeshConfig, MeshLinkSpec } from "./config";
import { MeshError, explainTxError } from "./errors";
import { InstantiatePlan, contractsFor, instantiatePlan, localMetaStakingPlan, localStakingOf } from "./plan";
import { govModuleAddress } from "./proposal";
import { RecordFile } from "./record";
import { ChainSession, Sessions } from "./session";

type Log = (line: string) => void;

/** The newest contract of `codeId` labelled `label` (and created by `creator`, when given), if the chain has one. */
export async function findContractByLabel(s: ChainSession, codeId: number, label: string, creator?: string): Promise<string | undefined> {
  const addresses = await s.client.getContracts(codeId);
  for (const address of [...addresses].reverse()) {
    const c = await s.client.getContract(address);
    if (c.label === label && (creator === undefined || c.creator === creator)) return address;
  }
  return undefined;
}

async function contractCodeId(s: ChainSession, address: string): Promise<number | undefined> {
  try {
    return (await s.client.getContract(address)).codeId;
  } catch (e) {
    if (/no such contract|not found/i.test((e as Error).message)) return undefined;
    throw e;
  }
}

export async function ensureContract(
  s: ChainSession, record: RecordFile, plan: InstantiatePlan, recorded: string | undefined, log: Log,
): Promise<string> {
  const chainId = s.spec.id;
  const code = record.chain(chainId).codes[plan.contract];
  if (!code) {
    throw new MeshError(`${plan.contract} on ${chainId} has no code id yet: run mesh upload (or mesh propose store on a governance-only chain) first`);
  }
  if (recorded && (await contractCodeId(s, recorded)) === code.code_id) {
    log(`[${chainId}] ${plan.label}: ${recorded} exists, skipped`);
    return recorded;
  }
  // Only governance's contracts are adopted (a proposal passed without `--wait` recording it): an earlier deploy by
  // some account may belong to another, abandoned deployment.
  const adopted = await findContractByLabel(s, code.code_id, plan.label, govModuleAddress(s.spec.prefix));
  if (adopted) {
    log(`[${chainId}] ${plan.label}: found ${adopted} (code ${code.code_id}, instantiated by governance), recorded`);
    return adopted;
  }
  const t0 = Date.now();
  try {
    const res = await s.client.instantiate(s.address, code.code_id, plan.msg, plan.label, s.fee, { admin: s.address });
    log(`[${chainId}] ${plan.label}: instantiated ${res.contractAddress} (code ${code.code_id}) in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    return res.contractAddress;
  } catch (e) {
    throw explainTxError(e, { chainId, signer: s.address, action: `instantiation of ${plan.label}` });
  }
}

async function consumerAllowance(s: ChainSession, metaStaking: string, consumer: string): Promise<string> {
  try {
    return (await new MetaStakingQueryClient(s.client, metaStaking).consumer({ address: consumer })).allowance;
  } catch (e) {
    if ((e as Error).message.includes(metaStakingErrors.consumerNotFound)) return "0";
    throw e;
  }
}

/**
 * An execute the deployer may not be allowed to send (the contract's admin may be governance). `msg` comes from a
 * generated message builder rather than a `<Name>Client` call: when the deployer is not the admin it is printed as
 * the `mesh propose execute --msg` to submit instead.
 */
export async function adminExecute(s: ChainSession, contract: string, msg: Record<string, unknown>, what: string, funds = [] as { denom: string; amount: string }[]): Promise<void> {
  try {
    await s.client.execute(s.address, contract, msg, s.fee, undefined, funds);
  } catch (e) {
    const raw = (e as Error).message;
    if (/only the admin/.test(raw)) { // the contracts' onlyAdmin message
      const config = await s.client.queryContractSmart(contract, { config: {} }).catch(() => undefined);
      throw new MeshError(
        `${what} on ${s.spec.id}: ${s.address} is not the admin of ${contract}${config?.admin ? ` (the admin is ${config.admin})` : ""}. ` +
          `If governance is the admin, propose it: mesh propose execute --chain ${s.spec.id} --contract ${contract} --msg '${JSON.stringify(msg)}' --submit`,
      );
    }
    throw explainTxError(e, { chainId: s.spec.id, signer: s.address, action: what });
  }
}

async function fundAndAllow(s: ChainSession, record: RecordFile, link: MeshLinkSpec, log: Log): Promise<void> {
  const chainId = s.spec.id;
  const metaStaking = record.chain(chainId).meta_staking!;
  const lr = record.link(link.provider, link.consumer);
  const consumer = lr.mesh_consumer!;
  if (!lr.funded && BigInt(link.meta_staking_funds) > 0n) {
    try {
      await new MetaStakingClient(s.client, s.address, metaStaking).fund(s.fee, undefined, [{ denom: s.spec.denom, amount: link.meta_staking_funds }]);
    } catch (e) {
      throw explainTxError(e, { chainId, signer: s.address, action: `funding meta-staking with ${link.meta_staking_funds}${s.spec.denom}` });
    }
    log(`[${chainId}] meta-staking: funded with ${link.meta_staking_funds}${s.spec.denom} for ${link.provider}`);
  }
  lr.funded = true;
  record.save();
  const current = await consumerAllowance(s, metaStaking, consumer);
  if (current === link.allowance) {
    log(`[${chainId}] meta-staking: allowance of ${consumer} is ${current}, skipped`);
    return;
  }
  await adminExecute(s, metaStaking, MetaStakingExecuteMsgBuilder.setAllowance({ consumer, amount: link.allowance }), "set_allowance");
  log(`[${chainId}] meta-staking: allowance of ${consumer} set to ${link.allowance}`);
}

/** More than any chain's supply: meta-staking's allowance only guards against a consumer using others' funds. */
const UNLIMITED_ALLOWANCE = "340282366920938463463374607431768211455";

/**
 * Local staking on `chainId` (docs/local-staking.md): its own meta-staking instance, the local-staking contract, and
 * the hand-over — local-staking becomes that instance's only consumer and its admin (it takes paid-out unbondings
 * from the fund). Skipped where the chain shows it done.
 */
async function ensureLocalStaking(config: MeshConfig, s: ChainSession, record: RecordFile, log: Log): Promise<void> {
  const chainId = s.spec.id;
  const cr = record.chain(chainId);
  cr.local_meta_staking = await ensureContract(s, record, localMetaStakingPlan(config, chainId), cr.local_meta_staking, log);
  record.save();
  cr.local_staking = await ensureContract(s, record, instantiatePlan(config, record.data, chainId, "local-staking"), cr.local_staking, log);
  record.save();
  const meta = new MetaStakingQueryClient(s.client, cr.local_meta_staking);
  if ((await meta.config()).admin === cr.local_staking) {
    log(`[${chainId}] local meta-staking: administered by local-staking ${cr.local_staking}, skipped`);
    return;
  }
  await adminExecute(s, cr.local_meta_staking, MetaStakingExecuteMsgBuilder.setAllowance({ consumer: cr.local_staking, amount: UNLIMITED_ALLOWANCE }), "set_allowance");
  await adminExecute(s, cr.local_meta_staking, MetaStakingExecuteMsgBuilder.updateAdmin({ admin: cr.local_staking }), "update_admin");
  log(`[${chainId}] local meta-staking: handed to local-staking ${cr.local_staking} (its only consumer and admin)`);
}

/** Instantiates everything the config asks for on `chainIds` (default: every chain), in dependency order. */
export async function instantiateAll(config: MeshConfig, sessions: Sessions, record: RecordFile, log: Log, chainIds?: string[]): Promise<void> {
  const chains = config.chains.map((c) => c.id).filter((id) => !chainIds || chainIds.includes(id));
  for (const chainId of chains) {
    const wanted = contractsFor(config, chainId);
    if (!wanted.length) continue;
    const s = await sessions.get(chainId);
    const cr = record.chain(chainId);
    if (wanted.includes("ilp")) {
      cr.ilp = await ensureContract(s, record, instantiatePlan(config, record.data, chainId, "ilp"), cr.ilp, log);
      record.save();
    }
    if (config.mesh.some((l) => l.consumer === chainId)) {
      cr.meta_staking = await ensureContract(s, record, instantiatePlan(config, record.data, chainId, "meta-staking"), cr.meta_staking, log);
      record.save();
    }
    if (localStakingOf(config, chainId)) await ensureLocalStaking(config, s, record, log);
    for (const link of config.mesh) {
      const lr = record.link(link.provider, link.consumer);
      if (link.provider === chainId) {
        lr.mesh_provider = await ensureContract(s, record, instantiatePlan(config, record.data, chainId, "mesh-provider", link.consumer), lr.mesh_provider, log);
        record.save();
      }
      if (link.consumer === chainId) {
        lr.mesh_consumer = await ensureContract(s, record, instantiatePlan(config, record.data, chainId, "mesh-consumer", link.provider), lr.mesh_consumer, log);
        record.save();
        await fundAndAllow(s, record, link, log);
      }
    }
  }
}
