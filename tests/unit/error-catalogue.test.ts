// Every error in the catalogues (src/contracts/errors.ts, generated from the errors.ts files of assembly/) is
// asserted by name somewhere in the tests, so a changed or dead error text cannot go unnoticed.
import { readdirSync, readFileSync, statSync } from "fs";
import * as path from "path";
import * as catalogues from "../../src/contracts/errors";

const testsDir = path.resolve(__dirname, "..");

/**
 * Errors that only a broken chain or VM can cause (no entry point reaches them with any input), with the reason.
 * Keep this short: anything a user, relayer or governance can trigger belongs in a test.
 */
const UNREACHABLE: Record<string, string> = {
  "commonErrors.querierSystemError": "wasmd answering a well-formed query with a system error or malformed result",
  "commonErrors.timeOverflow": "needs a block time near u64::MAX ns (year 2554); durations are capped at 10 years",
  "commonErrors.unknownReplyId": "the chain calls reply only for sub-messages the contract sent, with the ids it chose",
  "commonErrors.unknownChannel": "ibc-go delivers packets only on open channels of the contract's port, and the contract allows one",
  "metaStakingErrors.slashedToZero": "a slash of 100% leaves the validator without tokens, so it is out of the bonded set, which is checked first",
  "meshConsumerErrors.slashedToZero": "as metaStakingErrors.slashedToZero: the bonded-set check refuses such a validator first",
};

function testSources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const full = path.join(dir, f);
    if (statSync(full).isDirectory()) return f === "assembly" || f === "fixtures" ? [] : testSources(full);
    return f.endsWith(".ts") ? [readFileSync(full, "utf8")] : [];
  });
}

describe("error catalogues", () => {
  const sources = testSources(testsDir).join("\n");
  const names = Object.entries(catalogues).flatMap(([catalogue, errors]) => Object.keys(errors).map((e) => `${catalogue}.${e}`));

  it("lists errors", () => {
    expect(names.length).toBeGreaterThan(20);
  });

  it("asserts every error by name in a test, or says why it cannot be reached", () => {
    const asserted = (name: string) => new RegExp(`\\b${name.replace(".", "\\.")}\\b`).test(sources);
    const untested = names.filter((n) => !asserted(n) && !(n in UNREACHABLE));
    expect(untested).toEqual([]);
  });

  it("lists only existing errors as unreachable", () => {
    expect(Object.keys(UNREACHABLE).filter((n) => !names.includes(n))).toEqual([]);
  });
});
