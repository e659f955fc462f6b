// Stateful, model-based property test of the ILP on the in-process host: random sequences of bond, unbond,
// grant, release and slash by several users and lienholders. After every step the contract must agree with a
// simple model (who has what bonded and claimed, which calls must fail) and satisfy the invariants.
// Seeded and reproducible: a failure prints the seed and the shrunk sequence. MESH_PROPERTY_RUNS raises the budget.
import fc from "fast-check";
import { Chain } from "../../src/host";
import { IlpExecuteMsgBuilder, IlpQueryMsgBuilder } from "../../src/contracts/Ilp.message-builder";
import type * as Ilp from "../../src/contracts/Ilp.types";
import { artifact, testContract } from "../helpers/artifacts";
import { allIlpAccounts, checkIlpInvariants } from "../helpers/ilp";

const DENOM = "ustake";
const USERS = 3;
const LIENS = 2;
/** Each lienholder's max_slash (lien_terms), in percent: one without a margin, one with 10%. */
const MAX_SLASH_PERCENT = [0n, 10n];
const RUNS = Number(process.env.MESH_PROPERTY_RUNS ?? 40);
const SEED = Number(process.env.MESH_PROPERTY_SEED ?? 20261128);

type Op =
  | { kind: "bond"; user: number; amount: bigint }
  | { kind: "unbond"; user: number; amount: bigint }
  | { kind: "grant"; user: number; lien: number; amount: bigint }
  | { kind: "release"; user: number; lien: number; amount: bigint }
  | { kind: "slash"; user: number; lien: number; amount: bigint };

const amount = fc.oneof(fc.bigInt({ min: 0n, max: 2000n }), fc.constantFrom(1n, 1000n));
const user = fc.integer({ min: 0, max: USERS - 1 });
const lien = fc.integer({ min: 0, max: LIENS - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("bond" as const), user, amount }),
  fc.record({ kind: fc.constant("unbond" as const), user, amount }),
  fc.record({ kind: fc.constant("grant" as const), user, lien, amount }),
  fc.record({ kind: fc.constant("release" as const), user, lien, amount }),
  fc.record({ kind: fc.constant("slash" as const), user, lien, amount }),
);

class Model {
  bonded: bigint[] = Array(USERS).fill(0n);
  claims: bigint[][] = Array.from({ length: USERS }, () => Array(LIENS).fill(0n));

  /** what the last successful slash took (at most the claim) */
  lastSlash = 0n;

  maxClaim(u: number): bigint {
    return this.claims[u].reduce((m, c) => (c > m ? c : m), 0n);
  }

  /** Applies `o` if it is valid and returns whether it should succeed. */
  apply(o: Op): boolean {
    switch (o.kind) {
      case "bond":
        if (o.amount === 0n) return false;
        this.bonded[o.user] += o.amount;
        return true;
      case "unbond":
        if (o.amount === 0n || o.amount > this.bonded[o.user] - this.maxClaim(o.user)) return false;
        this.bonded[o.user] -= o.amount;
        return true;
      case "grant": {
        if (o.amount === 0n || this.claims[o.user][o.lien] + o.amount > this.bonded[o.user]) return false;
        // The slash margin: the largest claim + Σ ⌈claim × max_slash⌉ must fit in the collateral.
        const after = this.claims[o.user].map((c, l) => (l === o.lien ? c + o.amount : c));
        const largest = after.reduce((m, c) => (c > m ? c : m), 0n);
        const margin = after.reduce((sum, c, l) => sum + (c * MAX_SLASH_PERCENT[l] + 99n) / 100n, 0n);
        if (largest + margin > this.bonded[o.user]) return false;
        this.claims[o.user][o.lien] += o.amount;
        return true;
      }
      case "release":
        // More than the claim releases all of it (a cap may precede the lienholder's news); no claim is an error.
        if (o.amount === 0n || this.claims[o.user][o.lien] === 0n) return false;
        this.claims[o.user][o.lien] -= o.amount > this.claims[o.user][o.lien] ? this.claims[o.user][o.lien] : o.amount;
        return true;
      case "slash": {
        if (o.amount === 0n || this.claims[o.user][o.lien] === 0n) return false;
        const taken = o.amount > this.claims[o.user][o.lien] ? this.claims[o.user][o.lien] : o.amount;
        this.lastSlash = taken;
        this.claims[o.user][o.lien] -= taken;
        this.bonded[o.user] -= taken;
        const bonded = this.bonded[o.user];
        this.claims[o.user] = this.claims[o.user].map((c) => (c > bonded ? bonded : c));
        return true;
      }
    }
  }
}

function run(ops: Op[]): void {
  const chain = new Chain({ chainId: "mesh-a", prefix: "wasm", bondDenom: DENOM });
  const admin = chain.addr("admin");
  const users = Array.from({ length: USERS }, (_, i) => chain.addr(`user${i}`));
  for (const u of users) chain.fund(u, [{ denom: DENOM, amount: "100000" }]);
  const ilp = chain.instantiate(admin, chain.storeCode(artifact("ilp")), { denom: DENOM }, { label: "ilp" }).address!;
  const lienCode = chain.storeCode(testContract("test-lienholder"));
  const liens = Array.from({ length: LIENS }, (_, i) =>
    chain.instantiate(admin, lienCode, { ilp, max_slash: (Number(MAX_SLASH_PERCENT[i]) / 100).toString() }, { label: `lien${i}` }).address!);
  const model = new Model();
  const burnedBefore = users.reduce((s, u) => s + chain.balance(u, DENOM), 0n);
  let slashed = 0n;

  for (const o of ops) {
    const expectOk = model.apply(o);
    const u = users[o.user];
    let res;
    switch (o.kind) {
      case "bond": res = chain.execute(u, ilp, IlpExecuteMsgBuilder.bond(), o.amount > 0n ? [{ denom: DENOM, amount: o.amount.toString() }] : []); break;
      case "unbond": res = chain.execute(u, ilp, IlpExecuteMsgBuilder.unbond({ amount: o.amount.toString() })); break;
      case "grant":
        res = chain.execute(u, ilp, IlpExecuteMsgBuilder.grantClaim({ lienholder: liens[o.lien], amount: o.amount.toString(), validator: "valoper" }));
        break;
      case "release": res = chain.execute(liens[o.lien], liens[o.lien], { release: { owner: u, amount: o.amount.toString() } }); break;
      case "slash": res = chain.execute(liens[o.lien], liens[o.lien], { slash: { owner: u, amount: o.amount.toString() } }); break;
    }
    if (res.ok !== expectOk) {
      throw new Error(`${JSON.stringify(o, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}: expected ${expectOk ? "success" : "failure"}, got ${res.ok ? "success" : res.error}`);
    }
    if (!res.ok) expect(res.vmError).toBe(false);
    if (res.ok && o.kind === "slash") slashed += model.lastSlash;

    checkIlpInvariants(chain, ilp, DENOM);
    for (let i = 0; i < USERS; i++) {
      const a = chain.query<Ilp.AccountResponse>(ilp, IlpQueryMsgBuilder.account({ address: users[i] }));
      expect(BigInt(a.bonded)).toBe(model.bonded[i]);
      for (let l = 0; l < LIENS; l++) {
        const claim = a.claims.find((c) => c.lienholder === liens[l]);
        expect(claim ? BigInt(claim.amount) : 0n).toBe(model.claims[i][l]);
      }
    }
  }
  // No tokens created: users' balances + ILP holdings + burned = what they started with.
  const now = users.reduce((s, u) => s + chain.balance(u, DENOM), 0n) + chain.balance(ilp, DENOM);
  expect(now + slashed).toBe(burnedBefore);
  expect(allIlpAccounts(chain, ilp).length).toBe(model.bonded.filter((b, i) => b > 0n || model.maxClaim(i) > 0n).length);
}

describe("ILP model-based property", () => {
  it(`agrees with the model on random operation sequences (${RUNS} runs, seed ${SEED})`, () => {
    fc.assert(fc.property(fc.array(op, { minLength: 1, maxLength: 40 }), (ops) => run(ops)), {
      numRuns: RUNS, seed: SEED, verbose: 1,
    });
  });
});
