// npm run codegen (also `npm run schema`): from the message declarations (assembly/**/msg.ts and the shared
// declaration files) writes the AssemblyScript codecs beside them and schema/<contract>.json.
//   --check   write nothing; fail listing every generated file that is missing or differs
import { writeGenerated } from "../src/codegen";

const check = process.argv.includes("--check");
try {
  const stale = writeGenerated(process.cwd(), { check });
  if (check && stale.length > 0) {
    console.error(`Generated files are stale (run npm run codegen):\n  ${stale.join("\n  ")}`);
    process.exit(1);
  }
  console.log(check ? "generated files are up to date" : `generated ${stale.length === 0 ? "nothing new" : stale.join(", ")}`);
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}
