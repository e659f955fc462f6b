// The committed schemas (schema/<contract>.json) describe what the compiled contracts really accept and answer:
//   - an example of every execute and query variant, built from the schema alone, gets past the contract's decoder
//     (any error is a business error, never "unknown field", "missing field", a type mismatch or an unknown variant);
//   - a message with an extra field is refused, as the schema's additionalProperties: false says;
//   - every query response of a deployed mesh with stake, unstaking and a channel validates against the schema.
import Ajv from "ajv";
import { readFileSync } from "fs";
import * as path from "path";
import { MeshProviderExecuteMsgBuilder } from "../../src/contracts/MeshProvider.message-builder";
import { IlpExecuteMsgBuilder } from "../../src/contracts/Ilp.message-builder";
import { LocalStakingExecuteMsgBuilder } from "../../src/contracts/LocalStaking.message-builder";
import { deployLocalStaking } from "../../src/scenario/scenarios/local-staking";
import { artifact, localStakingCodes } from "../helpers/artifacts";
import { Mesh, bondAndGrant, ok, setup } from "../helpers/mesh";

type Schema = { [key: string]: any };
const schemaOf = (contract: string): Schema =>
  JSON.parse(readFileSync(path.join(__dirname, "../../schema", `${contract}.json`), "utf8"));

/** Decoder errors: a field path followed by a type/presence problem, or an unknown variant. */
const DECODE_ERROR = /: (unknown field|missing field|expected |number too large)|Unknown variant|invalid [a-z_.]+: /;

/** A value of the schema's shape; `context` gives realistic addresses and validators by field name. */
function example(schema: Schema, root: Schema, context: Record<string, string>, field = ""): unknown {
  if (schema.$ref) {
    const name = schema.$ref.replace("#/definitions/", "");
    const std: Record<string, string> = { Uint128: field in context ? context[field] : "1", Uint64: "1", Decimal: "0.5", Binary: "e30=" };
    if (name in std) return std[name];
    return example(root.definitions[name], root, context, field);
  }
  if (schema.allOf) return example(schema.allOf[0], root, context, field);
  if (schema.anyOf) return example(schema.anyOf[0], root, context, field);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries<Schema>(schema.properties ?? {})) out[key] = example(sub, root, context, key);
      return out;
    }
    case "array": return [example(schema.items, root, context, field)];
    case "integer": return field === "limit" ? 5 : 1;
    case "boolean": return false;
    case "string":
      if (field in context) return context[field];
      return "x";
  }
  throw new Error(`no example for ${JSON.stringify(schema)}`);
}

function variants(schema: Schema): { tag: string; body: Schema }[] {
  return (schema.oneOf as Schema[]).map((v) => ({ tag: v.required[0], body: v.properties[v.required[0]] }));
}

describe("schemas match the contracts", () => {
  let m: Mesh;
  let context: Record<string, string>;
  let priceFeed: string;
  let localStaking: string;
  const ajv = new Ajv({ strict: false, allErrors: true });
  // schemars' integer formats, checked for real (a u32 field must not answer 2^32).
  ajv.addFormat("uint32", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff });
  ajv.addFormat("uint64", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= 0 });

  beforeAll(async () => {
    m = await setup();
    await ok(bondAndGrant(m, "alice", 1000n));
    await m.link.relayAll();
    await ok(m.a.execute("alice", m.provider, MeshProviderExecuteMsgBuilder.unstake({ validator: m.validator, amount: "100" })));
    await m.link.relayAll();
    priceFeed = await m.b.instantiate("admin", await m.b.upload("admin", artifact("price-feed")),
      { feeders: [m.b.address("alice")], max_age_seconds: 600 }, "price feed");
    await ok(m.b.execute("alice", priceFeed, { submit_price: { price: "1.5" } }));
    // Local staking: alice stakes some of the same collateral at home and unstakes part of it.
    localStaking = (await deployLocalStaking(m.a, localStakingCodes(), { ilp: m.ilp, unbondingSeconds: 90 })).localStaking;
    const home = m.a.host.valoper("validator");
    await ok(m.a.execute("alice", m.ilp, IlpExecuteMsgBuilder.bond(), [{ denom: m.a.denom, amount: "200" }]));
    await ok(m.a.execute("alice", m.ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: localStaking, amount: "100", validator: home })));
    await ok(m.a.execute("alice", localStaking, LocalStakingExecuteMsgBuilder.unstake({ validator: home, amount: "10" })));
    context = {
      address: m.a.address("alice"), owner: m.a.address("alice"), lienholder: m.provider, validator: m.validator,
      admin: m.a.address("admin"), ilp: m.ilp, meta_staking: m.meta, consumer: m.consumer,
    };
  });

  const contracts = (): { name: string; address: () => string; chain: () => Mesh["a"]; context?: () => Record<string, string> }[] => [
    { name: "ilp", address: () => m.ilp, chain: () => m.a },
    { name: "mesh-provider", address: () => m.provider, chain: () => m.a },
    { name: "mesh-consumer", address: () => m.consumer, chain: () => m.b },
    // meta-staking's `consumer` query takes a registered consumer contract's address.
    { name: "meta-staking", address: () => m.meta, chain: () => m.b, context: () => ({ ...context, address: m.consumer }) },
    { name: "price-feed", address: () => priceFeed, chain: () => m.b },
    { name: "local-staking", address: () => localStaking, chain: () => m.a },
  ];

  it.each(contracts().map((c) => [c.name, c] as const))("%s: every execute variant of the schema decodes", async (_name, c) => {
    const schema = schemaOf(c.name).execute;
    for (const { tag, body } of variants(schema)) {
      const msg = { [tag]: example(body, schema, context) };
      const res = await c.chain().execute("bob", c.address(), msg);
      if (!res.ok) expect(`${tag}: ${res.error}`).not.toMatch(DECODE_ERROR);
      const extra = await c.chain().execute("bob", c.address(), { [tag]: { ...(msg[tag] as object), not_in_schema: 1 } });
      expect(extra.ok).toBe(false);
      expect(extra.ok ? "" : extra.error).toContain(`${tag}.not_in_schema: unknown field`);
    }
  });

  it.each(contracts().map((c) => [c.name, c] as const))("%s: every query answers as its response schema says", async (_name, c) => {
    const idl = schemaOf(c.name);
    for (const { tag, body } of variants(idl.query)) {
      const response = await c.chain().query(c.address(), { [tag]: example(body, idl.query, c.context?.() ?? context) });
      const validate = ajv.compile(idl.responses[tag]);
      if (!validate(response)) throw new Error(`${c.name} ${tag}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(response)}`);
    }
  });
});
