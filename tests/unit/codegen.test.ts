// The generated files (AssemblyScript codecs, schemas, ts-codegen clients, error catalogue) match their
// declarations, and the declaration rules reject what the generators cannot express.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { writeGenerated } from "../../src/codegen";
import { loadDeclarations, snakeCase } from "../../src/codegen/declarations";
import { titleOf } from "../../src/codegen/errors";

const root = path.resolve(__dirname, "../..");

describe("codegen", () => {
  it("the committed generated files are up to date (run npm run codegen)", async () => {
    expect(await writeGenerated(root, { check: true })).toEqual([]);
  }, 60_000);

  it("names variants and fields in snake_case", () => {
    expect(snakeCase("GrantClaim")).toBe("grant_claim");
    expect(snakeCase("unbondingPeriodSeconds")).toBe("unbonding_period_seconds");
    expect(snakeCase("IBCChannel")).toBe("ibc_channel");
  });

  it("takes an error's title up to the first colon or quote", () => {
    expect(titleOf("Insufficient collateral: a claim of 5")).toBe("Insufficient collateral");
    expect(titleOf("Invalid denom '")).toBe("Invalid denom");
    expect(titleOf("No funds sent")).toBe("No funds sent");
  });

  function declare(source: string): () => unknown {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "decl-"));
    fs.mkdirSync(path.join(dir, "assembly"), { recursive: true });
    fs.writeFileSync(path.join(dir, "assembly/msg.ts"), source);
    return () => loadDeclarations(dir, ["assembly/msg.ts"]);
  }

  it.each([
    ["export class A { x: u64; }", /write either "name!: T" \(required\) or "name: T = default" \(optional\)/],
    ["export class A { x!: u64 = 1; }", /write either/],
    ["export class A { x!: Map<string, u64>; }", /unsupported type/],
    ["export class A { x!: string | u64; }", /only "T \| null" unions/],
    ["export class A { x!: Missing; }", /Missing is not a declared message class/],
    ["@frobnicate export class A {}", /unknown decorator @frobnicate/],
    ["export class A { x: Box<string> | null = null; }", /Box<T> holds a u32 or u64/],
    ["export class A { x!: u8; }", /u8 is not a declared message class/],
    ["export class A { x!: string | null; }", /a "T \| null" field is optional/],
    ["export class A { x!: string; @rename(\"x\") y!: string; }", /two fields named "x"/],
    ["export class A { x!: Box<u64>; }", /write Box<T> as "Box<T> \| null"/],
    ["export class A { constructor() {} }", /declarations hold fields only/],
    ["@message export abstract class E {} export class A extends E {} @rename(\"a\") export class B extends E {}", /two variants tagged "a"/],
  ])("rejects %s", (source, error) => {
    expect(declare(source)).toThrow(error);
  });

  it("tags <Name>Query and <Name>Packet variants without the suffix", () => {
    const [file] = declare(`
      @query export abstract class QueryMsg {}
      export class ConfigQuery extends QueryMsg {}
      @message export abstract class ProviderPacket {}
      export class StakePacket extends ProviderPacket {}
      export class Unchanged extends ProviderPacket {}
    `)() as { classes: { name: string; tag: string }[] }[];
    expect(Object.fromEntries(file.classes.map((c) => [c.name, c.tag]))).toMatchObject({
      ConfigQuery: "config", StakePacket: "stake", Unchanged: "unchanged",
    });
  });
});
