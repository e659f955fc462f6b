// `mesh deploy` and `npm start`: every step of a mesh deployment, each skipped when the chain already shows it
// done (the deployment file says where to look), with a progress line per step.
import { Link, closeLink } from "../relay";
import { loadArtifact } from "./artifacts";
import { MeshConfig } from "./config";
import { connectMesh } from "./connect";
import { instantiateAll } from "./instantiate";
import { contractsFor } from "./plan";
import { RecordFile } from "./record";
import { Sessions } from "./session";
import { ensureCode } from "./upload";

type Log = (line: string) => void;

export interface DeployOptions {
  log: Log;
  /** Only these chains (upload / instantiate); default all. */
  chains?: string[];
}

export async function uploadAll(config: MeshConfig, sessions: Sessions, record: RecordFile, opts: DeployOptions): Promise<void> {
  for (const chain of config.chains) {
    if (opts.chains && !opts.chains.includes(chain.id)) continue;
    const wanted = contractsFor(config, chain.id);
    if (!wanted.length) continue;
    const s = await sessions.get(chain.id);
    for (const name of wanted) await ensureCode(s, record, loadArtifact(config.artifacts, name), opts.log);
  }
}

export interface DeployedLink {
  provider: string;
  consumer: string;
  link: Link;
  channel: { provider: string; consumer: string };
  rewardChannel: { provider: string; consumer: string };
}

/**
 * Uploads, instantiates and connects everything in the config. Returns the open links (relaying continues over
 * them, e.g. in `npm start`); `closeLinks` them when done.
 */
export async function deploy(config: MeshConfig, sessions: Sessions, record: RecordFile, opts: DeployOptions): Promise<DeployedLink[]> {
  const stage = stageLogger(opts.log);
  stage("upload");
  await uploadAll(config, sessions, record, opts);
  stage("instantiate");
  await instantiateAll(config, sessions, record, opts.log);
  const links: DeployedLink[] = [];
  try {
    for (const l of config.mesh) {
      stage(`connect ${l.provider} -> ${l.consumer}`);
      const { link, channel, rewardChannel } = await connectMesh(config, sessions, record, l.provider, l.consumer, opts.log);
      links.push({ provider: l.provider, consumer: l.consumer, link, channel, rewardChannel });
    }
  } catch (e) {
    closeLinks(links);
    throw e;
  }
  stage("done");
  return links;
}

export function closeLinks(links: DeployedLink[]): void {
  for (const l of links) closeLink(l.link);
}

/** "deploy: upload (0.0s)" style lines: the stage and the time since the first one. */
export function stageLogger(log: Log): (name: string) => void {
  const t0 = Date.now();
  return (name) => log(`deploy: ${name} [${((Date.now() - t0) / 1000).toFixed(1)}s]`);
}
