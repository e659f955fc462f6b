// Validators without a node, for benches that need many validators on a consumer chain (rewards, economics): funded
// operators, one MsgCreateValidator each. They never sign, so the chain must be fresh and configured with a liveness
// window long enough that none is jailed while the bench runs (see scripts/bench.ts).
import { Ed25519, Random } from "@cosmjs/crypto";
import { fromBech32, toBech32 } from "@cosmjs/encoding";
import { PubKey } from "cosmjs-types/cosmos/crypto/ed25519/keys";
import { MsgCreateValidator } from "cosmjs-types/cosmos/staking/v1beta1/tx";
import { ChainConfig, ConnectedSigner, moduleQueryClient, waitForBlocks } from "../../wasmd";
import { fundedStakers } from "./stakers";

export interface NodelessValidators {
  /** The operator address of the chain's own validator (the one with a node). */
  real: string;
  /** The node-less validators' operator addresses, sorted. */
  fakes: string[];
}

/** Creates `count` bonded validators without a node on `cfg`, each self-bonding `selfBond` (funded by `funder`). */
export async function createNodelessValidators(
  cfg: ChainConfig, funder: ConnectedSigner, count: number, opts: { selfBond: bigint; moniker: string },
): Promise<NodelessValidators> {
  const operators = await fundedStakers(cfg, funder, count, 2n * opts.selfBond);
  await Promise.all(operators.addresses.map(async (address, i) => {
    const pubkey = (await Ed25519.makeKeypair(Random.getBytes(32))).pubkey;
    const msg = MsgCreateValidator.fromPartial({
      description: { moniker: `${opts.moniker}-${i}` },
      commission: { rate: "100000000000000000", maxRate: "200000000000000000", maxChangeRate: "10000000000000000" },
      minSelfDelegation: "1",
      validatorAddress: toBech32(`${cfg.prefix}valoper`, fromBech32(address).data),
      pubkey: { typeUrl: "/cosmos.crypto.ed25519.PubKey", value: PubKey.encode({ key: pubkey }).finish() },
      value: { denom: cfg.denom, amount: opts.selfBond.toString() },
    });
    const r = await operators.client.signAndBroadcast(address, [{ typeUrl: "/cosmos.staking.v1beta1.MsgCreateValidator", value: msg }], "auto");
    if (r.code !== 0) throw new Error(`create validator ${i} failed: ${r.rawLog}`);
  }));
  operators.client.disconnect();
  await waitForBlocks(cfg, 2);
  const { query, comet } = await moduleQueryClient(cfg);
  try {
    const bonded = (await query.staking.validators("BOND_STATUS_BONDED")).validators;
    const real = bonded.find((v) => v.description?.moniker === cfg.nodes[0].moniker)!.operatorAddress;
    const fakes = bonded.filter((v) => v.operatorAddress !== real).map((v) => v.operatorAddress).sort();
    if (fakes.length < count) throw new Error(`only ${fakes.length} of ${count} extra validators are bonded`);
    return { real, fakes };
  } finally {
    comet.disconnect();
  }
}
