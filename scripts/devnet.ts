// npm run devnet -- [--chains N] [--validators 2] [--gov-upload [ids]] [--fresh]   (see src/chain/devnet.ts)
import { DEVNET_USAGE, formatDevnet, parseDevnetArgs, startDevnet } from "../src/wasmd";

async function main() {
  const args = parseDevnetArgs(process.argv.slice(2));
  if (args.help) return console.log(DEVNET_USAGE);
  const state = await startDevnet(args);
  console.log("\n" + formatDevnet(state));
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
