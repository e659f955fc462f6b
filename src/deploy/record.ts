// The deployment file: what exists on which chain (code ids with checksums, contract addresses, IBC connection and
// channel of every mesh link). Written after every step, so an interrupted deploy resumes where it stopped; every
// entry is re-checked on chain before it is trusted (a devnet may have been reset).
import * as fs from "fs";
import * as path from "path";
import { MeshContract } from "./artifacts";
import { MeshError } from "./errors";

export interface CodeRecord {
  code_id: number;
  checksum: string;
}

export interface ChainRecord {
  codes: Partial<Record<MeshContract, CodeRecord>>;
  /** Chain-wide contracts: the ILP on a provider chain, meta-staking on a consumer chain. */
  ilp?: string;
  meta_staking?: string;
  /** Local staking (docs/local-staking.md): the contract and the meta-staking instance it administers. */
  local_staking?: string;
  local_meta_staking?: string;
}

export interface LinkRecord {
  provider: string;
  consumer: string;
  mesh_provider?: string;
  mesh_consumer?: string;
  /** meta-staking funded with this link's meta_staking_funds (done once). */
  funded?: boolean;
  connection?: { provider: string; consumer: string };
  channel?: { provider: string; consumer: string };
  /** The ICS-20 channel the consumer's rewards travel on. */
  reward_channel?: { provider: string; consumer: string };
}

export interface DeploymentRecord {
  version: 1;
  chains: Record<string, ChainRecord>;
  links: Record<string, LinkRecord>;
}

export const emptyRecord = (): DeploymentRecord => ({ version: 1, chains: {}, links: {} });

export function readRecord(file: string): DeploymentRecord {
  if (!fs.existsSync(file)) return emptyRecord();
  let raw: any;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new MeshError(`deployment file ${file} is not valid JSON (${(e as Error).message}); fix or move it away`);
  }
  if (raw?.version !== 1 || typeof raw.chains !== "object" || typeof raw.links !== "object") {
    throw new MeshError(`deployment file ${file} is not a mesh deployment record (version 1)`);
  }
  return raw as DeploymentRecord;
}

/** Atomic write (temp file + rename): a crash never leaves half a record. */
export function writeRecord(file: string, record: DeploymentRecord): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(record, null, 2) + "\n");
  fs.renameSync(tmp, file);
}

export function chainRecord(record: DeploymentRecord, chainId: string): ChainRecord {
  return (record.chains[chainId] ??= { codes: {} });
}

export function linkRecord(record: DeploymentRecord, provider: string, consumer: string): LinkRecord {
  return (record.links[`${provider}->${consumer}`] ??= { provider, consumer });
}

/** A record bound to its file: every change is saved immediately. */
export class RecordFile {
  readonly data: DeploymentRecord;

  constructor(readonly file: string | null, initial?: DeploymentRecord) {
    this.data = initial ?? (file ? readRecord(file) : emptyRecord());
  }

  chain(chainId: string): ChainRecord {
    return chainRecord(this.data, chainId);
  }

  link(provider: string, consumer: string): LinkRecord {
    return linkRecord(this.data, provider, consumer);
  }

  save(): void {
    if (this.file) writeRecord(this.file, this.data);
  }
}
