// What every command needs: the config, the deployment record, sessions to the chains, and where to print.
// Progress goes to stderr and results to stdout, so `mesh status --json > status.json` stays clean.
import * as path from "path";
import { DEFAULT_CONFIG_FILE, MeshConfig, loadMeshConfig } from "../deploy/config";
import { RecordFile } from "../deploy/record";
import { Sessions } from "../deploy/session";
import { ParsedArgs, value } from "./args";

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export const processIo = (): CliIo => ({
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  env: process.env,
  cwd: process.cwd(),
});

export interface CliContext {
  io: CliIo;
  config: MeshConfig;
  record: RecordFile;
  sessions: Sessions;
  /** A progress line (stderr). */
  log(line: string): void;
  close(): Promise<void>;
}

export const GLOBAL_VALUES = ["config", "deployment"];

export function openContext(args: ParsedArgs, io: CliIo): CliContext {
  const configFile = path.resolve(io.cwd, value(args, "config") ?? io.env.MESH_CONFIG ?? DEFAULT_CONFIG_FILE);
  const config = loadMeshConfig(configFile);
  const deploymentArg = value(args, "deployment");
  if (deploymentArg) config.deployment = path.resolve(io.cwd, deploymentArg);
  const sessions = new Sessions(config.chains, config.baseDir, io.env);
  return {
    io, config, sessions,
    record: new RecordFile(config.deployment),
    log: (line) => io.err(line),
    close: () => sessions.closeAll(),
  };
}
