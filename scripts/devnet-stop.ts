// npm run devnet:stop [-- --force] — stops exactly the wasmd processes `npm run devnet` started (PIDs in .devnet/devnet.json);
// chains a live jest run holds a lease on are left running unless --force.
import { stopDevnet } from "../src/wasmd";

stopDevnet({ force: process.argv.includes("--force") }).catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
