// upload, instantiate, connect, deploy, status: thin wrappers over src/deploy, which `npm start` uses too.
import { closeLink } from "../relay";
import { chainSpec, meshLink } from "../deploy/config";
import { connectMesh, setCounterparties } from "../deploy/connect";
import { closeLinks, deploy, uploadAll } from "../deploy/deploy";
import { MeshError } from "../deploy/errors";
import { instantiateAll } from "../deploy/instantiate";
import { ExternalRelayer, printPlan } from "../deploy/relayer-commands";
import { collectStatus, formatStatus } from "../deploy/status";
import { ParsedArgs, list, value } from "./args";
import { CliContext } from "./context";

function checkChains(ctx: CliContext, chains: string[] | undefined): string[] | undefined {
  for (const id of chains ?? []) chainSpec(ctx.config, id);
  return chains;
}

export async function upload(ctx: CliContext, args: ParsedArgs): Promise<void> {
  await uploadAll(ctx.config, ctx.sessions, ctx.record, { log: ctx.log, chains: checkChains(ctx, list(args, "chain")) });
  ctx.io.out(`codes recorded in ${ctx.config.deployment}`);
}

export async function instantiate(ctx: CliContext, args: ParsedArgs): Promise<void> {
  await instantiateAll(ctx.config, ctx.sessions, ctx.record, ctx.log, checkChains(ctx, list(args, "chain")));
  ctx.io.out(`contracts recorded in ${ctx.config.deployment}`);
}

function parseRelayer(v: string): ExternalRelayer {
  if (v !== "hermes" && v !== "rly") throw new MeshError(`--print takes hermes or rly, got "${v}"`);
  return v;
}

export async function connect(ctx: CliContext, args: ParsedArgs, usage: string): Promise<void> {
  const [provider, consumer] = args.positionals;
  if (!provider || !consumer || args.positionals.length !== 2) throw new MeshError(`connect needs <provider> <consumer>\n\n${usage}`);
  meshLink(ctx.config, provider, consumer);
  const lr = ctx.record.link(provider, consumer);
  const connectionArg = value(args, "connection");
  if (connectionArg !== undefined) {
    const [p, c] = connectionArg.split(",");
    if (!/^connection-\d+$/.test(p ?? "") || !/^connection-\d+$/.test(c ?? "")) {
      throw new MeshError(`--connection takes <connection on ${provider}>,<connection on ${consumer}>, e.g. connection-0,connection-3`);
    }
    lr.connection = { provider: p, consumer: c };
    ctx.record.save();
  }
  const printFor = value(args, "print");
  if (printFor !== undefined) {
    const relayer = parseRelayer(printFor);
    if (!lr.mesh_provider || !lr.mesh_consumer) throw new MeshError(`${provider} -> ${consumer}: instantiate the contracts first (mesh instantiate)`);
    if (lr.connection) {
      await setCounterparties(await ctx.sessions.get(provider), await ctx.sessions.get(consumer), lr, lr.connection, ctx.log);
    }
    ctx.io.out(printPlan(relayer, { provider, consumer, providerContract: lr.mesh_provider, consumerContract: lr.mesh_consumer, connection: lr.connection }));
    return;
  }
  const { link, channel } = await connectMesh(ctx.config, ctx.sessions, ctx.record, provider, consumer, ctx.log);
  closeLink(link);
  ctx.io.out(`mesh channel ${provider} ${channel.provider} <-> ${consumer} ${channel.consumer} open; keep a relayer running (hermes, rly, or npm run relay on a devnet)`);
}

export async function deployAll(ctx: CliContext): Promise<void> {
  const links = await deploy(ctx.config, ctx.sessions, ctx.record, { log: ctx.log });
  closeLinks(links);
  for (const l of links) ctx.io.out(`mesh ${l.provider} -> ${l.consumer}: channel ${l.channel.provider} / ${l.channel.consumer}`);
  ctx.io.out(`deployment recorded in ${ctx.config.deployment}`);
}

export async function status(ctx: CliContext, args: ParsedArgs): Promise<void> {
  const st = await collectStatus(ctx.config, ctx.sessions, ctx.record.data);
  ctx.io.out(args.switches.has("json") ? JSON.stringify(st, null, 2) : formatStatus(st));
}
