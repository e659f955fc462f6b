// ILP scenarios written once against the scenario interface. Each returns a transcript (every step's outcome
// and the queried state, with addresses replaced by role names) so that runs on different backends compare.
import { IlpExecuteMsgBuilder, IlpQueryMsgBuilder } from "../../contracts/Ilp.message-builder";
import type * as Ilp from "../../contracts/Ilp.types";
import { Account, ScenarioChain } from "../types";

export interface Transcript {
  name: string;
  steps: { step: string; ok: boolean; error?: string; result?: unknown }[];
}

export interface IlpCodes {
  ilp: Uint8Array;
  lienholder: Uint8Array;
}

/** Replaces every occurrence of the given addresses by their role names, recursively. */
export function anonymise(value: unknown, roles: Record<string, string>): unknown {
  if (typeof value === "string") {
    let s = value;
    for (const [address, role] of Object.entries(roles)) s = s.split(address).join(`<${role}>`);
    return s;
  }
  if (Array.isArray(value)) return value.map((v) => anonymise(v, roles));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, anonymise(v, roles)]));
  }
  return value;
}

/** Claims come in lienholder-address order, which differs between backends: order them by role instead. */
function sortClaims(value: unknown): unknown {
  if (value && typeof value === "object" && Array.isArray((value as { claims?: unknown }).claims)) {
    const claims = [...(value as { claims: { lienholder: string }[] }).claims].sort((x, y) => (x.lienholder < y.lienholder ? -1 : 1));
    return { ...(value as object), claims };
  }
  return value;
}

export interface LienholderOptions {
  /** Test lienholders to instantiate (all registered with the new ILP). */
  count: number;
  /** The ILP's max_lienholders. */
  maxLienholders: number;
  /** Index of the lienholder that loops until out of gas on claim_capped (real chains only), if any. */
  burner?: number;
  /** Bonds `bond` and grants `claim` to each of the first `grants` lienholders. */
  owner: Account;
  bond: bigint;
  claim: bigint;
  grants: number;
}

/** A fresh ILP with `count` test lienholders, `owner`'s collateral bonded and claims granted. */
export async function ilpWithLienholders(chain: ScenarioChain, codes: IlpCodes, opts: LienholderOptions): Promise<{ ilp: string; holders: string[] }> {
  const ilp = await chain.instantiate("admin", await chain.upload("admin", codes.ilp),
    { denom: chain.denom, max_lienholders: opts.maxLienholders } satisfies Ilp.InstantiateMsg, `ilp with ${opts.maxLienholders} lienholders`);
  const code = await chain.upload("admin", codes.lienholder);
  const holders: string[] = [];
  for (let i = 0; i < opts.count; i++) {
    holders.push(await chain.instantiate("admin", code, { ilp, burn_gas_on_cap: i === opts.burner }, `lienholder ${i}`));
  }
  const steps = [() => chain.execute(opts.owner, ilp, IlpExecuteMsgBuilder.bond(), [{ denom: chain.denom, amount: opts.bond.toString() }])];
  for (const h of holders.slice(0, opts.grants)) {
    steps.push(() => chain.execute(opts.owner, ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: h, amount: opts.claim.toString(), validator: "some-validator" })));
  }
  for (const step of steps) {
    const r = await step();
    if (!r.ok) throw new Error(`lienholder setup failed: ${r.error}`);
  }
  return { ilp, holders };
}

/** The test lienholder forwards `{"slash":{owner, amount}}` to its ILP as slash_claim (anyone may ask it to). */
export function slashThrough(chain: ScenarioChain, sender: Account, lienholder: string, owner: string, amount: bigint) {
  return chain.execute(sender, lienholder, { slash: { owner, amount: amount.toString() } });
}

class Recorder {
  readonly transcript: Transcript;
  constructor(name: string, private roles: Record<string, string>) {
    this.transcript = { name, steps: [] };
  }
  async tx(step: string, run: () => Promise<{ ok: boolean; error?: string }>): Promise<void> {
    const r = await run();
    this.transcript.steps.push({ step, ok: r.ok, ...(r.ok ? {} : { error: anonymise(r.error, this.roles) as string }) });
  }
  async query(step: string, run: () => Promise<unknown>): Promise<void> {
    try {
      this.transcript.steps.push({ step, ok: true, result: sortClaims(anonymise(await run(), this.roles)) });
    } catch (e) {
      this.transcript.steps.push({ step, ok: false, error: anonymise((e as Error).message, this.roles) as string });
    }
  }
}

async function deploy(chain: ScenarioChain, codes: IlpCodes) {
  const ilpCode = await chain.upload("admin", codes.ilp);
  const lienCode = await chain.upload("admin", codes.lienholder);
  const ilp = await chain.instantiate("admin", ilpCode, { denom: chain.denom } satisfies Ilp.InstantiateMsg, "ilp");
  const lien = await chain.instantiate("admin", lienCode, { ilp }, "lien");
  const lien2 = await chain.instantiate("admin", lienCode, { ilp }, "lien2");
  return { ilp, lien, lien2 };
}

function rolesFor(chain: ScenarioChain, contracts: Record<string, string>, users: Account[]): Record<string, string> {
  const roles: Record<string, string> = {};
  for (const [role, address] of Object.entries(contracts)) roles[address] = role;
  for (const u of users) roles[chain.address(u)] = u;
  return roles;
}

/** Bond, claims to two lienholders, refused and allowed unbonds, release, slash with capping, bad inputs. */
export async function ilpLifecycle(chain: ScenarioChain, codes: IlpCodes, user: Account = "carol"): Promise<Transcript> {
  const { ilp, lien, lien2 } = await deploy(chain, codes);
  const owner = chain.address(user);
  const rec = new Recorder("ilp lifecycle", rolesFor(chain, { ilp, lien, lien2 }, [user, "admin"]));
  const d = chain.denom;
  await rec.tx("bond 1000", () => chain.execute(user, ilp, IlpExecuteMsgBuilder.bond(), [{ denom: d, amount: "1000" }]));
  await rec.tx("bond wrong denom", () => chain.execute(user, ilp, IlpExecuteMsgBuilder.bond(), [{ denom: chain.extraDenom, amount: "5" }]));
  await rec.tx("grant 700 to lien", () => chain.execute(user, ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: lien, amount: "700", validator: "val-a" })));
  await rec.tx("grant 900 to lien2",
    () => chain.execute(user, ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: lien2, amount: "900", validator: "val-b" })));
  await rec.tx("grant 101 more to lien2",
    () => chain.execute(user, ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: lien2, amount: "101", validator: "val-b" })));
  await rec.tx("unbond 101", () => chain.execute(user, ilp, IlpExecuteMsgBuilder.unbond({ amount: "101" })));
  await rec.tx("unbond 100", () => chain.execute(user, ilp, IlpExecuteMsgBuilder.unbond({ amount: "100" })));
  await rec.query("account after unbond", () => chain.query(ilp, IlpQueryMsgBuilder.account({ address: owner })));
  await rec.tx("release 200 via lien", () => chain.execute("admin", lien, { release: { owner, amount: "200" } }));
  await rec.tx("release 1 by a stranger", () => chain.execute("admin", ilp, IlpExecuteMsgBuilder.releaseClaim({ owner, amount: "1" })));
  await rec.tx("slash 100 via lien2", () => chain.execute("admin", lien2, { slash: { owner, amount: "100" } }));
  await rec.query("account after slash", () => chain.query(ilp, IlpQueryMsgBuilder.account({ address: owner })));
  await rec.query("lien2 view", () => chain.query(lien, { held: { owner } }));
  await rec.query("totals", () => chain.query(ilp, IlpQueryMsgBuilder.totals()));
  await rec.query("ilp balance", async () => (await chain.balance(ilp, d)).toString());
  await rec.tx("malformed json", () => chain.execute(user, ilp, { unbond: { amount: "1", extra: true } }));
  await rec.tx("unknown variant", () => chain.execute(user, ilp, { frobnicate: {} }));
  await rec.query("unknown query", () => chain.query(ilp, { nope: {} }));
  await rec.query("invalid address query", () => chain.query(ilp, IlpQueryMsgBuilder.account({ address: "wasm1invalid" })));
  return rec.transcript;
}
