// IBC link + relayer for the local devnet (see src/relay/README.md).
//
//   tsx scripts/relay.ts [mesh-a mesh-b | id:portSlot id:portSlot] [--no-transfer] [--channel portA,portB,version[,ordered]]...
//                        [--start [--poll MS]] [--fresh-link]
//
// Reuses the connection / channels recorded in .devnet/links.json when still usable (chains not
// re-initialised, light clients not expired), otherwise creates them and records them. Chain
// options come from .devnet/devnet.json (npm run devnet), so run that first. With --start it
// keeps relaying (and keeps the light clients fresh) until Ctrl-C.
import { chainConfig, ChainOptions, readDevnetState } from "../src/wasmd";
import {
  ChannelOrder,
  Relayer,
  closeLink,
  ensureChannel,
  ensureLink,
  ensureTransferChannel,
  forgetLink,
  linkIds,
  linksFilePath,
  setRelayLogger,
} from "../src/relay";

const USAGE = `usage: tsx scripts/relay.ts [chainA chainB] [options]      (default chains: mesh-a mesh-b)
  chain ids other than mesh-<letter> need their port slot: mesh-r1:27 (chainConfig index)
  MESH_LINKS_FILE=<file> records somewhere else than .devnet/links.json
  --no-transfer                      do not open/reuse the ICS-20 transfer channel
  --channel portA,portB,version[,ordered|unordered]   also ensure this channel (e.g. wasm.<addr> ports)
  --fresh-link                       forget the recorded link and create a new connection
  --start                            keep relaying until Ctrl-C (--poll MS, default 300)`;

async function main() {
  const argv = process.argv.slice(2);
  const ids: string[] = [];
  const channels: { portA: string; portB: string; version: string; order: ChannelOrder }[] = [];
  let transfer = true;
  let start = false;
  let fresh = false;
  let poll = 300;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "-h" || a === "--help") return console.log(USAGE);
    else if (a === "--no-transfer") transfer = false;
    else if (a === "--start") start = true;
    else if (a === "--fresh-link") fresh = true;
    else if (a === "--poll") poll = Number(argv[++i]);
    else if (a === "--channel") {
      const [portA, portB, version, order = "unordered"] = (argv[++i] ?? "").split(",");
      if (!portA || !portB || !version || (order !== "ordered" && order !== "unordered")) throw new Error(`bad --channel\n${USAGE}`);
      channels.push({ portA, portB, version, order });
    } else if (a.startsWith("--")) throw new Error(`unknown option ${a}\n${USAGE}`);
    else ids.push(a);
  }
  if (ids.length === 0) ids.push("mesh-a", "mesh-b");
  if (ids.length !== 2) throw new Error(`need exactly two chain ids\n${USAGE}`);
  const state = readDevnetState();
  const cfgs = ids.map((spec) => {
    const [id, slot] = spec.split(":");
    const options: ChainOptions = { ...(state?.chains.find((c) => c.chainId === id)?.options ?? {}) };
    if (slot !== undefined) options.index = Number(slot);
    return chainConfig(id, options);
  });
  const [cfgA, cfgB] = cfgs;
  setRelayLogger((m) => console.log(m));
  if (fresh) await forgetLink(cfgA.chainId, cfgB.chainId);

  const t0 = Date.now();
  const { link, reused } = await ensureLink(cfgA, cfgB);
  const l = linkIds(link);
  console.log(`${reused ? "reused" : "created"} ${cfgA.chainId} ${l.connA} (client ${l.clientA}) <-> ${cfgB.chainId} ${l.connB} (client ${l.clientB})`);
  const wanted = [...(transfer ? [null] : []), ...channels];
  for (const c of wanted) {
    const { channel, reused: r } = c ? await ensureChannel(link, c.portA, c.portB, c.version, c.order) : await ensureTransferChannel(link);
    console.log(
      `${r ? "reused" : "opened"} channel ${channel.portA}/${channel.channelA} <-> ${channel.portB}/${channel.channelB} (${channel.version}, ${channel.order})`,
    );
  }
  console.log(`recorded in ${linksFilePath()} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
  if (!start) {
    console.log("light clients expire after ~60 s without updates: run with --start to keep relaying.");
    closeLink(link);
    return;
  }
  const relayer = new Relayer(link, { pollMs: poll }).start();
  const shutdown = async () => {
    await relayer.stop();
    closeLink(link);
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
