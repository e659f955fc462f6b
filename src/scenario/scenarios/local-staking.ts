// Local staking of ILP collateral (docs/local-staking.md): on the ILP's own chain, a meta-staking instance that the
// local-staking contract administers and is the only consumer of, and the local-staking contract, a custody
// lienholder of the ILP. Works on any backend (in-process host or real wasmd).
import { LocalStakingExecuteMsgBuilder } from "../../contracts/LocalStaking.message-builder";
import type * as LocalStaking from "../../contracts/LocalStaking.types";
import { MetaStakingExecuteMsgBuilder } from "../../contracts/MetaStaking.message-builder";
import type * as MetaStaking from "../../contracts/MetaStaking.types";
import { ScenarioChain } from "../types";

export interface LocalStakingDeployment {
  chain: ScenarioChain;
  ilp: string;
  metaStaking: string;
  localStaking: string;
}

export interface LocalStakingOptions {
  ilp: string;
  /** x/staking's unbonding period on the chain, as meta-staking must know it */
  unbondingSeconds: number;
  /** the chain's slash_fraction_double_sign: the ILP's margin beside a local claim */
  maxSlash?: string;
}

/** More than any chain's supply: meta-staking's allowance only guards against a consumer using others' funds. */
const UNLIMITED = "340282366920938463463374607431768211455";

export async function deployLocalStaking(
  chain: ScenarioChain, codes: { localStaking: Uint8Array; metaStaking: Uint8Array }, opts: LocalStakingOptions,
): Promise<LocalStakingDeployment> {
  const metaStaking = await chain.instantiate("admin", await chain.upload("admin", codes.metaStaking),
    { unbonding_period_seconds: opts.unbondingSeconds } satisfies MetaStaking.InstantiateMsg, "meta-staking for local staking");
  const localStaking = await chain.instantiate("admin", await chain.upload("admin", codes.localStaking),
    { ilp: opts.ilp, meta_staking: metaStaking, max_slash: opts.maxSlash ?? "0.05" } satisfies LocalStaking.InstantiateMsg, "local staking");
  // local-staking is meta-staking's only consumer and its admin (it takes matured unbondings out of the fund).
  await must(chain.execute("admin", metaStaking, MetaStakingExecuteMsgBuilder.setAllowance({ consumer: localStaking, amount: UNLIMITED })), "set allowance");
  await must(chain.execute("admin", metaStaking, MetaStakingExecuteMsgBuilder.updateAdmin({ admin: localStaking })), "hand meta-staking to local staking");
  return { chain, ilp: opts.ilp, metaStaking, localStaking };
}

/** Withdraws the owner's paid unbondings (throws with the contract's message when nothing is paid yet). */
export async function withdrawLocal(d: LocalStakingDeployment, owner: Parameters<ScenarioChain["execute"]>[0]) {
  return must(d.chain.execute(owner, d.localStaking, LocalStakingExecuteMsgBuilder.withdrawUnbonded()), "withdraw_unbonded");
}

async function must<T extends { ok: boolean; error?: string }>(p: Promise<T>, what: string): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`${what} failed: ${r.error}`);
  return r;
}
