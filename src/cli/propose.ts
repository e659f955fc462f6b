// `mesh propose …`: writes x/gov v1 proposals whose wasm messages are sent by the gov module account (store code,
// instantiate with governance as the contract admin, execute, migrate), and optionally submits them, votes and
// waits. A passed proposal's results (code ids, contract addresses) are recorded like a direct deploy's.
import * as fs from "fs";
import * as path from "path";
import { instantiate2Address } from "@cosmjs/cosmwasm-stargate";
import { fromHex, toUtf8 } from "@cosmjs/encoding";
import { Coin, parseCoins } from "@cosmjs/stargate";
import { MeshContract, isMeshContract, loadArtifact, parseContractList } from "../deploy/artifacts";
import { chainSpec } from "../deploy/config";
import { MeshError } from "../deploy/errors";
import { deposit, govParams, submitProposal, vote, voteOption, waitForProposal } from "../deploy/gov";
import { instantiatePlan, planLabel } from "../deploy/plan";
import {
  InstantiatePermission, ProposalJson, WasmMsgJson, executeJson, govModuleAddress, instantiate2Json, instantiateJson, migrateJson,
  parseProposal, proposalJson, storeCodeJson,
} from "../deploy/proposal";
import { recordPassedProposal } from "../deploy/proposal-results";
import { ParsedArgs, jsonValue, positiveInt, required, value } from "./args";
import { CliContext } from "./context";

export const PROPOSE_VALUES = [
  "chain", "contracts", "contract", "for", "code-id", "msg", "label", "admin", "salt", "funds", "out", "title", "summary", "deposit",
  "vote", "instantiate-permission", "authority",
];
export const PROPOSE_SWITCHES = ["append", "expedited", "submit", "wait"];

interface Built {
  message: WasmMsgJson;
  title: string;
  summary: string;
}

function funds(args: ParsedArgs): Coin[] {
  const f = value(args, "funds");
  if (f === undefined) return [];
  try {
    return parseCoins(f);
  } catch {
    throw new MeshError(`--funds "${f}" is not a coin list like 1000ustake`);
  }
}

function permission(args: ParsedArgs): InstantiatePermission | null {
  const p = value(args, "instantiate-permission");
  if (p === undefined) return null;
  if (p === "everybody") return { permission: "Everybody" };
  if (p === "nobody") return { permission: "Nobody" };
  return { permission: "AnyOfAddresses", addresses: p.split(",") };
}

/** A contract named as in the config (ilp, meta-staking, mesh-provider/mesh-consumer with --for) or an address. */
function contractAddress(ctx: CliContext, chainId: string, args: ParsedArgs, usage: string): string {
  const name = required(args, "contract", usage);
  if (!isMeshContract(name)) return name;
  const cr = ctx.record.data.chains[chainId];
  const counterparty = value(args, "for");
  const address =
    name === "ilp" ? cr?.ilp
    : name === "meta-staking" ? cr?.meta_staking
    : name === "mesh-provider" ? ctx.record.data.links[`${chainId}->${counterparty}`]?.mesh_provider
    : ctx.record.data.links[`${counterparty}->${chainId}`]?.mesh_consumer;
  if (!address) throw new MeshError(`no ${name}${counterparty ? ` for ${counterparty}` : ""} on ${chainId} in ${ctx.config.deployment} (pass its address, or --for <chain> for a link's contract)`);
  return address;
}

function codeIdOf(ctx: CliContext, chainId: string, contract: string, args: ParsedArgs): number {
  const given = value(args, "code-id");
  if (given !== undefined) return positiveInt(given, "--code-id");
  const recorded = isMeshContract(contract) ? ctx.record.data.chains[chainId]?.codes[contract]?.code_id : undefined;
  if (!recorded) throw new MeshError(`no code id for ${contract} on ${chainId} in ${ctx.config.deployment}: pass --code-id (or store it first: mesh propose store)`);
  return recorded;
}

function buildStore(ctx: CliContext, chainId: string, authority: string, args: ParsedArgs): Built[] {
  const names = parseContractList(value(args, "contracts") ?? "ilp,mesh-provider,meta-staking,mesh-consumer");
  return names.map((name) => {
    const a = loadArtifact(ctx.config.artifacts, name);
    return {
      message: storeCodeJson(authority, a.wasm, permission(args)),
      title: `Store mesh-security ${name}`,
      summary: `${name}: ${a.wasm.length} bytes (stored gzipped), sha256 ${a.checksum}. Verify: sha256sum ${path.basename(a.file)} from the release, ` +
        `and after the proposal passes: wasmd query wasm code-info <code id> (data_hash).`,
    };
  });
}

async function buildInstantiate(ctx: CliContext, chainId: string, authority: string, args: ParsedArgs, usage: string): Promise<Built[]> {
  const contract = required(args, "contract", usage);
  const codeId = codeIdOf(ctx, chainId, contract, args);
  const admin = value(args, "admin") ?? authority;
  const msgArg = value(args, "msg");
  let label = value(args, "label");
  let msg: unknown;
  if (isMeshContract(contract) && msgArg !== undefined) {
    msg = jsonValue(msgArg, "--msg");
    label ??= planLabel(ctx.config, chainId, contract, value(args, "for"));
  } else if (isMeshContract(contract)) {
    const plan = instantiatePlan(ctx.config, ctx.record.data, chainId, contract, value(args, "for"));
    msg = plan.msg;
    label ??= plan.label;
  } else {
    if (msgArg === undefined || label === undefined) throw new MeshError(`instantiating code "${contract}" needs --code-id, --msg and --label\n\n${usage}`);
    msg = jsonValue(msgArg, "--msg");
  }
  const salt = value(args, "salt");
  let predicted: string | undefined;
  if (salt !== undefined) {
    const checksum = ctx.record.data.chains[chainId]?.codes[contract as MeshContract]?.checksum;
    if (checksum) predicted = instantiate2Address(fromHex(checksum), authority, toUtf8(salt), chainSpec(ctx.config, chainId).prefix);
  }
  const message = salt !== undefined
    ? instantiate2Json(authority, codeId, msg, label!, admin, toUtf8(salt), funds(args))
    : instantiateJson(authority, codeId, msg, label!, admin, funds(args));
  if (predicted) ctx.io.out(`${label} will be at ${predicted} (instantiate2, salt "${salt}")`);
  return [{
    message,
    title: `Instantiate ${label}`,
    summary: `Instantiate code ${codeId} as "${label}" with ${JSON.stringify(msg)}; wasm admin ${admin}.`,
  }];
}

function buildExecute(ctx: CliContext, chainId: string, authority: string, args: ParsedArgs, usage: string): Built[] {
  const contract = contractAddress(ctx, chainId, args, usage);
  const msg = jsonValue(required(args, "msg", usage), "--msg");
  return [{ message: executeJson(authority, contract, msg, funds(args)), title: `Execute on ${contract}`, summary: `Execute ${JSON.stringify(msg)} on ${contract}.` }];
}

function buildMigrate(ctx: CliContext, chainId: string, authority: string, args: ParsedArgs, usage: string): Built[] {
  const contract = contractAddress(ctx, chainId, args, usage);
  const codeId = positiveInt(required(args, "code-id", usage), "--code-id");
  const msg = jsonValue(value(args, "msg") ?? "{}", "--msg");
  return [{ message: migrateJson(authority, contract, codeId, msg), title: `Migrate ${contract} to code ${codeId}`, summary: `Migrate ${contract} to code ${codeId} with ${JSON.stringify(msg)}.` }];
}

async function defaultDeposit(ctx: CliContext, chainId: string, expedited: boolean): Promise<string> {
  try {
    const params = await govParams(await ctx.sessions.get(chainId));
    const d = expedited ? params.expeditedMinDeposit : params.minDeposit;
    if (d) return d;
  } catch (e) {
    throw new MeshError(`--deposit not given and the chain's minimum deposit cannot be read: ${(e as Error).message}`);
  }
  throw new MeshError(`--deposit not given and ${chainId} reports no minimum deposit`);
}

function readProposalFile(file: string): ProposalJson {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new MeshError(`cannot read proposal ${file}: ${(e as Error).message}`);
  }
  return parseProposal(raw, file);
}

async function submitAndFollow(ctx: CliContext, chainId: string, proposal: ProposalJson, args: ParsedArgs): Promise<void> {
  const voteArg = value(args, "vote");
  if (voteArg !== undefined) voteOption(voteArg);
  const s = await ctx.sessions.get(chainId);
  const id = await submitProposal(s, proposal);
  ctx.io.out(`proposal ${id} submitted on ${chainId} by ${s.address}`);
  const option = value(args, "vote");
  if (option !== undefined) {
    await vote(s, id, voteOption(option));
    ctx.log(`[${chainId}] voted ${option} on proposal ${id}`);
  }
  if (args.switches.has("wait")) {
    await waitForProposal(s, id, ctx.log);
    await recordPassedProposal(s, ctx.record, ctx.config.artifacts, proposal, ctx.log);
    ctx.io.out(`proposal ${id} passed`);
  }
}

const SUMMARY_LIMIT = 10_000;

export async function propose(ctx: CliContext, args: ParsedArgs, usage: string): Promise<void> {
  const [kind, ...rest] = args.positionals;
  const chainId = required(args, "chain", usage);
  const spec = chainSpec(ctx.config, chainId);
  if (kind === "submit") {
    if (rest.length !== 1) throw new MeshError(`propose submit needs the proposal file\n\n${usage}`);
    return submitAndFollow(ctx, chainId, readProposalFile(path.resolve(ctx.io.cwd, rest[0])), args);
  }
  if (kind === "vote" || kind === "deposit" || kind === "wait") {
    if (rest.length !== (kind === "wait" ? 1 : 2)) throw new MeshError(`propose ${kind} needs ${kind === "wait" ? "<id>" : kind === "vote" ? "<id> <yes|no|abstain|no_with_veto>" : "<id> <coins>"}\n\n${usage}`);
    const id = positiveInt(rest[0], "proposal id");
    const option = kind === "vote" ? voteOption(rest[1]) : undefined;
    const s = await ctx.sessions.get(chainId);
    if (option !== undefined) await vote(s, id, option);
    else if (kind === "deposit") await deposit(s, id, rest[1]);
    else await waitForProposal(s, id, ctx.log);
    ctx.io.out(`proposal ${id}: ${kind === "wait" ? "passed" : `${kind} sent`}`);
    return;
  }
  if (rest.length) throw new MeshError(`unexpected argument ${rest[0]}\n\n${usage}`);
  const authority = value(args, "authority") ?? govModuleAddress(spec.prefix);
  const built =
    kind === "store" ? buildStore(ctx, chainId, authority, args)
    : kind === "instantiate" ? await buildInstantiate(ctx, chainId, authority, args, usage)
    : kind === "execute" ? buildExecute(ctx, chainId, authority, args, usage)
    : kind === "migrate" ? buildMigrate(ctx, chainId, authority, args, usage)
    : (() => { throw new MeshError(`propose needs one of store, instantiate, execute, migrate, submit, vote, deposit, wait\n\n${usage}`); })();

  const out = path.resolve(ctx.io.cwd, value(args, "out") ?? `proposal-${chainId}-${kind}.json`);
  const expedited = args.switches.has("expedited");
  let proposal: ProposalJson;
  if (args.switches.has("append") && fs.existsSync(out)) {
    const existing = readProposalFile(out);
    proposal = { ...existing, messages: [...existing.messages, ...built.map((b) => b.message)], summary: `${existing.summary}\n${built.map((b) => b.summary).join("\n")}`.slice(0, SUMMARY_LIMIT) };
  } else {
    const deposit = value(args, "deposit") ?? (await defaultDeposit(ctx, chainId, expedited));
    proposal = proposalJson(built.map((b) => b.message), {
      title: value(args, "title") ?? built.map((b) => b.title).join("; ").slice(0, 140),
      summary: (value(args, "summary") ?? built.map((b) => b.summary).join("\n")).slice(0, SUMMARY_LIMIT),
      deposit, expedited,
    });
  }
  fs.writeFileSync(out, JSON.stringify(proposal, null, 2) + "\n");
  ctx.io.out(`wrote ${out} (${proposal.messages.length} message${proposal.messages.length > 1 ? "s" : ""}, sender = gov module account ${authority})`);
  ctx.io.out(`submit with: wasmd tx gov submit-proposal ${path.relative(ctx.io.cwd, out) || out} --from <key> --chain-id ${chainId} --node ${spec.rpc.replace(/^http/, "tcp")} --gas auto --gas-adjustment 1.5 --gas-prices ${spec.gas_price}`);
  if (args.switches.has("submit")) await submitAndFollow(ctx, chainId, proposal, args);
  else if (value(args, "vote") !== undefined || args.switches.has("wait")) throw new MeshError("--vote and --wait need --submit");
}
