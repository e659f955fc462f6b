// npm run codegen (also `npm run schema`): from the message declarations (each contract's msg.ts and the shared
// declaration files of assembly/shared) writes the AssemblyScript codecs beside them, schema/<contract>.json, the
// ts-codegen clients and the error catalogue in src/contracts/.
//   --check   write nothing; fail listing every generated file that is missing, differs or is left over
import { writeGenerated } from "../src/codegen";

const check = process.argv.includes("--check");
writeGenerated(process.cwd(), { check }).then((changed) => {
  if (check && changed.length > 0) {
    console.error(`Generated files are stale (run npm run codegen):\n  ${changed.join("\n  ")}`);
    process.exit(1);
  }
  if (check) console.log("codegen: generated files are up to date");
  else console.log(changed.length === 0 ? "codegen: nothing changed" : `codegen: wrote ${changed.join(", ")}`);
}, (e) => {
  console.error(`codegen: ${(e as Error).message}`);
  process.exit(1);
});
