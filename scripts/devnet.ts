// npm run devnet -- [--chains N] [--validators 2] [--gov-upload [ids]] [--fresh] [--only ids] [--foreground]   (see src/wasmd/devnet.ts)
import { DEVNET_USAGE, chainConfig, formatDevnet, parseDevnetArgs, startDevnet } from "../src/wasmd";
import { runForeground } from "../src/wasmd/foreground";

async function main() {
  const args = parseDevnetArgs(process.argv.slice(2));
  if (args.help) return console.log(DEVNET_USAGE);
  if (args.foreground) {
    process.exit(await runForeground(args.chains.map((c) => chainConfig(c.chainId, c.options)), { fresh: args.fresh }));
  }
  const state = await startDevnet(args);
  console.log("\n" + formatDevnet(state));
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
