// `mesh` — operators' CLI for deploying and running mesh security on real chains (and the local devnet).
// Entry points: bin/mesh.js (`npx mesh …`) and `npm run mesh -- …`.
import { MeshError } from "../deploy/errors";
import { FlagSpec, ParsedArgs, parseArgs } from "./args";
import { CliIo, GLOBAL_VALUES, openContext, processIo } from "./context";
import { connect, deployAll, instantiate, status, upload } from "./deploy-commands";
import { PROPOSE_SWITCHES, PROPOSE_VALUES, propose } from "./propose";
import { relay } from "./relay-command";
import { crank } from "./crank-command";
import { dashboard } from "./dashboard-command";

export const USAGE = `usage: mesh <command> [options]        (npx mesh …, or npm run mesh -- …)

commands:
  deploy                         upload, instantiate and connect everything in the config; re-running skips what exists
  upload [--chain ID]            store the contracts each chain needs (skipped when the chain has the same checksum)
  instantiate [--chain ID]       instantiate ILP / mesh-provider / meta-staking / mesh-consumer, fund meta-staking, set allowances
  connect <provider> <consumer>  IBC connection + mesh-security-v1 channel with the built-in relayer
                                 --print hermes|rly   print the commands for your own relayer instead
                                 --connection A,B     use an existing connection (ids on provider, consumer)
  relay [--once] [--poll MS]     relay every mesh link's packets (and keep its light clients fresh) until stopped
  crank [--once] [--poll MS] [--distribute-every S] [--revalue-every S]
                                 on every consumer chain: meta-staking's process_unbonding (due batches, and the
                                 ledger that finds slashed unbonding entries), check_validator where slash events
                                 wait to be sent to a provider, and every S seconds (default 600, 0: never) each
                                 mesh-consumer's distribute_rewards / revalue (price and power rules,
                                 validator set); run it beside the relayer
  status [--json]                contracts, code ids and checksums, channel state, validator sets, totals, pending packets
  dashboard [--port P] [--host H] [--refresh MS] [--history-file F]
                                 serve the dashboard (default http://127.0.0.1:8080/): chains, channels and light
                                 clients, validators and remote stake, slashes, rewards, economics, any account;
                                 /metrics for Prometheus; the plots' history is kept in F (default: beside the
                                 deployment record, <record>.history.json)
  propose store|instantiate|execute|migrate   write an x/gov v1 proposal (sender: the gov module account)
  propose submit FILE | vote ID OPTION | deposit ID COINS | wait ID       (all need --chain)

global options:
  --config FILE        chains and mesh links (default mesh.config.json, or $MESH_CONFIG); see docs/testnet.md
  --deployment FILE    deployment record (default: the config's "deployment", mesh.deployment.json)
  --help               this text, or a command's: mesh propose --help`;

export const PROPOSE_USAGE = `usage: mesh propose <kind> --chain ID [options]

  store        [--contracts ilp,mesh-provider,meta-staking,mesh-consumer] [--instantiate-permission everybody|nobody|addr,…]
  instantiate  --contract NAME|CODE [--for CHAIN] [--code-id N] [--msg JSON] [--label L] [--admin ADDR] [--salt S] [--funds COINS]
               (a mesh contract's msg and label come from the config; its wasm admin defaults to the gov module account;
                --salt uses MsgInstantiateContract2 and prints the address)
  execute      --contract NAME|ADDR [--for CHAIN] --msg JSON [--funds COINS]     e.g. set_allowance, set_provider, set_consumer
  migrate      --contract NAME|ADDR [--for CHAIN] --code-id N [--msg JSON]
  submit FILE  |  vote ID yes|no|abstain|no_with_veto  |  deposit ID COINS  |  wait ID

  --out FILE       where to write (default proposal-<chain>-<kind>.json); --append adds the message to an existing file
  --title T --summary S --deposit COINS (default: the chain's minimum) --expedited --authority ADDR
  --submit         submit it, signed by the chain's key; --vote OPTION votes with that key; --wait waits for the
                   outcome and records stored codes and instantiated mesh contracts in the deployment file`;

const COMMANDS: Record<string, { spec: FlagSpec; usage: string }> = {
  deploy: { spec: { values: GLOBAL_VALUES }, usage: USAGE },
  upload: { spec: { values: [...GLOBAL_VALUES, "chain"] }, usage: USAGE },
  instantiate: { spec: { values: [...GLOBAL_VALUES, "chain"] }, usage: USAGE },
  connect: { spec: { values: [...GLOBAL_VALUES, "print", "connection"] }, usage: USAGE },
  status: { spec: { values: GLOBAL_VALUES, switches: ["json"] }, usage: USAGE },
  dashboard: { spec: { values: [...GLOBAL_VALUES, "port", "host", "refresh", "history-file"] }, usage: USAGE },
  relay: { spec: { values: [...GLOBAL_VALUES, "poll"], switches: ["once"] }, usage: USAGE },
  crank: { spec: { values: [...GLOBAL_VALUES, "poll", "distribute-every", "revalue-every"], switches: ["once"] }, usage: USAGE },
  propose: { spec: { values: [...GLOBAL_VALUES, ...PROPOSE_VALUES], switches: PROPOSE_SWITCHES }, usage: PROPOSE_USAGE },
};

const stopSignal = () => new Promise<void>((resolve) => {
  process.once("SIGINT", () => resolve());
  process.once("SIGTERM", () => resolve());
});

async function dispatch(command: string, args: ParsedArgs, io: CliIo): Promise<void> {
  const ctx = openContext(args, io);
  try {
    switch (command) {
      case "deploy": return await deployAll(ctx);
      case "upload": return await upload(ctx, args);
      case "instantiate": return await instantiate(ctx, args);
      case "connect": return await connect(ctx, args, USAGE);
      case "status": return await status(ctx, args);
      case "propose": return await propose(ctx, args, PROPOSE_USAGE);
      case "relay": return await relay(ctx, args, stopSignal());
      case "crank": return await crank(ctx, args, stopSignal());
      case "dashboard": return await dashboard(ctx, args, stopSignal());
    }
  } finally {
    await ctx.close();
  }
}

/**
 * Checks a command line without connecting to anything: known command, known flags, a valid config. Throws a
 * MeshError saying what is wrong (used to check the docker-compose services' commands).
 */
export function checkCommandLine(argv: string[], io: CliIo = processIo()): void {
  const [command, ...rest] = argv;
  const entry = command === undefined ? undefined : COMMANDS[command];
  if (!entry) throw new MeshError(`unknown command "${command}"`);
  const args = parseArgs(rest, entry.spec, entry.usage);
  openContext(args, io);
}

/** Runs the CLI; returns the exit code (0 ok, 1 failed, 2 bad usage). */
export async function runCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    io.out(USAGE);
    return command === undefined ? 2 : 0;
  }
  const entry = COMMANDS[command];
  if (!entry) {
    io.err(`mesh: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  let args: ParsedArgs;
  try {
    args = parseArgs(rest, entry.spec, entry.usage);
  } catch (e) {
    io.err(`mesh ${command}: ${(e as Error).message}`);
    return 2;
  }
  if (args.switches.has("help")) {
    io.out(entry.usage);
    return 0;
  }
  const t0 = Date.now();
  try {
    await dispatch(command, args, io);
    io.err(`mesh ${command}: done in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    return 0;
  } catch (e) {
    io.err(e instanceof MeshError ? `mesh ${command}: ${e.message}` : `mesh ${command}: unexpected error: ${(e as Error).stack ?? e}`);
    return 1;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
