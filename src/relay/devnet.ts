/**
 * Devnet links that survive between runs: connection / client / channel ids recorded in
 * <repo>/.devnet/links.json, keyed "<chainA>|<chainB>".
 *
 *   ensureLink(cfgA, cfgB)             reuse the recorded connection when it is still usable, else
 *                                      create a new one and record it
 *   ensureChannel(link, cfgA, cfgB, …) / ensureTransferChannel(link, cfgA, cfgB)   same for channels
 *
 * A record is dropped (and a new connection made) when either chain was re-initialised since
 * (chain.json initializedAt differs), the connection is gone / not open, or a light client is
 * not Active — with the default 90 s unbonding the clients' trusting period is 60 s, so a devnet
 * that ran without a relayer (nobody updating the clients) for more than a minute gets a new
 * connection (and new channel ids). Serialised across processes by .devnet/links.json.lock.
 */
import * as fs from "fs";
import * as path from "path";
import { Link } from "./lib";
import { ChainConfig, DEVNET_DIR, pidAlive, readChainState } from "../wasmd";
import { ChannelIds, ChannelOrder, ICS20_VERSION, OpenChannelOptions, TRANSFER_PORT, channelIsOpen, openChannel } from "./channel";
import { ConnectOptions, connectChains, linkIds, LinkIds, reuseLink } from "./link";
import { relayLog } from "./log";

/** Default record file; MESH_LINKS_FILE or setLinksFile() override it (tests use a temp file). */
export const LINKS_FILE = path.join(DEVNET_DIR, "links.json");
let linksFile = process.env.MESH_LINKS_FILE || LINKS_FILE;

export function setLinksFile(file: string | undefined): void {
  linksFile = file || LINKS_FILE;
}

export function linksFilePath(): string {
  return linksFile;
}

export interface ChannelRecord extends ChannelIds {
  createdAt: string;
}

export interface LinkRecord extends LinkIds {
  createdAt: string;
  /** initializedAt (chain.json) of chain A / B when the link was created. */
  initializedA: string | null;
  initializedB: string | null;
  channels: ChannelRecord[];
}

export interface LinksFile {
  links: Record<string, LinkRecord>;
}

export const linkKey = (chainA: string, chainB: string) => `${chainA}|${chainB}`;

export function readLinks(): LinksFile {
  try {
    const f = JSON.parse(fs.readFileSync(linksFile, "utf8")) as LinksFile;
    return { links: f.links ?? {} };
  } catch {
    return { links: {} };
  }
}

function writeLinks(f: LinksFile): void {
  fs.mkdirSync(path.dirname(linksFile), { recursive: true });
  const tmp = `${linksFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(f, null, 2) + "\n");
  fs.renameSync(tmp, linksFile);
}

function updateRecord(key: string, fn: (r: LinkRecord | undefined) => LinkRecord | undefined): void {
  const f = readLinks();
  const r = fn(f.links[key]);
  if (r) f.links[key] = r;
  else delete f.links[key];
  writeLinks(f);
}

/** The recorded link of (chainA, chainB), if any (not checked for validity). */
export function linkRecord(chainA: string, chainB: string): LinkRecord | undefined {
  return readLinks().links[linkKey(chainA, chainB)];
}

/** Forget a recorded link (e.g. after wiping a chain). */
export async function forgetLink(chainA: string, chainB: string): Promise<void> {
  await withLinksLock(async () => updateRecord(linkKey(chainA, chainB), () => undefined));
}

/** Cross-process lock (O_EXCL file holding our pid; a dead holder's lock is taken over). */
async function withLinksLock<T>(fn: () => Promise<T>, timeoutMs = 5 * 60_000): Promise<T> {
  const LOCK_FILE = `${linksFile}.lock`;
  fs.mkdirSync(path.dirname(linksFile), { recursive: true });
  const start = Date.now();
  for (;;) {
    try {
      fs.writeFileSync(LOCK_FILE, String(process.pid), { flag: "wx" });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const holder = Number(fs.readFileSync(LOCK_FILE, "utf8").trim() || NaN);
      if (Number.isInteger(holder) && holder > 0 && !pidAlive(holder)) {
        fs.rmSync(LOCK_FILE, { force: true });
        continue;
      }
      if (holder === process.pid) throw new Error(`${LOCK_FILE} is already held by this process`);
      if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${LOCK_FILE} (held by pid ${holder})`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    try {
      if (fs.readFileSync(LOCK_FILE, "utf8").trim() === String(process.pid)) fs.rmSync(LOCK_FILE, { force: true });
    } catch {
      /* gone */
    }
  }
}

const initializedAt = (cfg: ChainConfig) => readChainState(cfg)?.initializedAt ?? null;

export interface EnsureLinkResult {
  link: Link;
  /** True when the recorded connection was reused. */
  reused: boolean;
  record: LinkRecord;
}

/**
 * A Link between two running devnet chains: the connection recorded in .devnet/links.json when
 * it is still usable, otherwise a new one (recorded, replacing the old record and its channels).
 */
export async function ensureLink(cfgA: ChainConfig, cfgB: ChainConfig, opts: ConnectOptions = {}): Promise<EnsureLinkResult> {
  const key = linkKey(cfgA.chainId, cfgB.chainId);
  return withLinksLock(async () => {
    const rec = readLinks().links[key];
    const [initA, initB] = [initializedAt(cfgA), initializedAt(cfgB)];
    if (rec) {
      let why: string | undefined;
      if (rec.initializedA !== initA || rec.initializedB !== initB) why = "a chain was re-initialised since";
      else {
        try {
          const link = await reuseLink(cfgA, cfgB, rec.connA, rec.connB, opts);
          relayLog(`${key}: reusing ${rec.connA}/${rec.connB} from ${linksFile}`);
          return { link, reused: true, record: rec };
        } catch (e) {
          why = (e as Error).message.split("\n")[0];
        }
      }
      relayLog(`${key}: recorded connection ${rec.connA}/${rec.connB} is not usable (${why}): creating a new one`);
    }
    const link = await connectChains(cfgA, cfgB, opts);
    const record: LinkRecord = { ...linkIds(link), createdAt: new Date().toISOString(), initializedA: initA, initializedB: initB, channels: [] };
    updateRecord(key, () => record);
    return { link, reused: false, record };
  });
}

/**
 * A channel (portA ↔ portB, version, order) over `link`: the recorded one if it is still open on
 * both sides over this connection, otherwise a newly opened one (recorded).
 */
export async function ensureChannel(
  link: Link,
  portA: string,
  portB: string,
  version: string,
  order: ChannelOrder = "unordered",
  opts: OpenChannelOptions = {},
): Promise<{ channel: ChannelIds; reused: boolean }> {
  const ids = linkIds(link);
  const key = linkKey(ids.chainA, ids.chainB);
  return withLinksLock(async () => {
    const rec = readLinks().links[key];
    if (rec && rec.connA === ids.connA && rec.connB === ids.connB) {
      const candidates = rec.channels.filter((c) => c.portA === portA && c.portB === portB && c.version === version && c.order === order);
      for (const c of candidates) {
        if (await channelIsOpen(link, c)) {
          const { createdAt: _createdAt, ...channel } = c;
          return { channel, reused: true };
        }
      }
    }
    const channel = await openChannel(link, portA, portB, version, order, opts);
    updateRecord(key, (r) => {
      if (!r || r.connA !== ids.connA || r.connB !== ids.connB) {
        relayLog(`${key}: link not recorded in ${linksFile} (made with connectChains?), channel not recorded`);
        return r;
      }
      const stale = (c: ChannelRecord) => c.portA === portA && c.portB === portB && c.version === version && c.order === order;
      return { ...r, channels: [...r.channels.filter((c) => !stale(c)), { ...channel, createdAt: new Date().toISOString() }] };
    });
    return { channel, reused: false };
  });
}

/** ensureChannel for ICS-20 (transfer ↔ transfer, ics20-1, unordered). */
export function ensureTransferChannel(link: Link): Promise<{ channel: ChannelIds; reused: boolean }> {
  return ensureChannel(link, TRANSFER_PORT, TRANSFER_PORT, ICS20_VERSION, "unordered");
}
