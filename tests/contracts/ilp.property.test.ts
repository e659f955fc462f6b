// Stateful, model-based property test of the ILP on the in-process host: random sequences of bond, unbond,
// grant, release and slash by several users and lienholders, one of them a custody lienholder (local staking: it
// holds the tokens of its claims, its slashes were burned by x/staking, what it returns first leaves the part held
// beyond a capped claim). After every
// step the contract must agree with a simple model (who has what bonded, claimed, held and owed, which calls must
// fail) and satisfy the invariants, and no token is created or lost.
// Seeded and reproducible: a failure prints the seed and the shrunk sequence. MESH_PROPERTY_RUNS raises the budget.
import fc from "fast-check";
import { Chain } from "../../src/host";
import { IlpExecuteMsgBuilder, IlpQueryMsgBuilder } from "../../src/contracts/Ilp.message-builder";
import type * as Ilp from "../../src/contracts/Ilp.types";
import { artifact, testContract } from "../helpers/artifacts";
import { allIlpAccounts, checkIlpInvariants } from "../helpers/ilp";

const DENOM = "ustake";
const USERS = 2;
const LIENS = 3;
/** Each lienholder's max_slash (lien_terms), in percent: one without a margin, one with 10%, the custody one 5%. */
const MAX_SLASH_PERCENT = [0n, 10n, 5n];
const CUSTODY = 2;
const RUNS = Number(process.env.MESH_PROPERTY_RUNS ?? 100);
const SEED = Number(process.env.MESH_PROPERTY_SEED ?? 20261128);

/**
 * An amount as generated: absolute, or a percentage (0–120) of what the operation acts on now — the collateral
 * for a grant, the claim for a release or slash (the held tokens for the custody lienholder), the free collateral for
 * an unbond —
 * so that most operations reach their interesting paths (exact limits, one past them, debts).
 */
type Amount = { abs: bigint } | { pct: bigint };
type GenOp =
  | { kind: "bond"; user: number; amount: Amount }
  | { kind: "unbond"; user: number; amount: Amount }
  | { kind: "grant"; user: number; lien: number; amount: Amount }
  | { kind: "release"; user: number; lien: number; amount: Amount }
  | { kind: "slash"; user: number; lien: number; amount: Amount };
type Op =
  | { kind: "bond"; user: number; amount: bigint }
  | { kind: "unbond"; user: number; amount: bigint }
  | { kind: "grant"; user: number; lien: number; amount: bigint }
  | { kind: "release"; user: number; lien: number; amount: bigint }
  | { kind: "slash"; user: number; lien: number; amount: bigint };

const amount: fc.Arbitrary<Amount> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ abs: fc.oneof(fc.bigInt({ min: 0n, max: 2000n }), fc.constantFrom(0n, 1n, 1000n)) }) },
  { weight: 3, arbitrary: fc.record({ pct: fc.oneof(fc.bigInt({ min: 0n, max: 120n }), fc.constantFrom(50n, 100n)) }) },
);
/** Grants mostly leave room for the others' slash margins. */
const grantAmount: fc.Arbitrary<Amount> = fc.oneof(
  { weight: 1, arbitrary: amount },
  { weight: 3, arbitrary: fc.record({ pct: fc.bigInt({ min: 1n, max: 60n }) }) },
);
const bondAmount: fc.Arbitrary<Amount> = fc.record({ abs: fc.oneof(fc.bigInt({ min: 0n, max: 3000n }), fc.constantFrom(0n, 1000n)) });
const user = fc.integer({ min: 0, max: USERS - 1 });
const lien = fc.integer({ min: 0, max: LIENS - 1 });
const op: fc.Arbitrary<GenOp> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("bond" as const), user, amount: bondAmount }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("unbond" as const), user, amount }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("grant" as const), user, lien, amount: grantAmount }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("release" as const), user, lien, amount }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("slash" as const), user, lien, amount }) },
);

class Model {
  bonded: bigint[] = Array(USERS).fill(0n);
  claims: bigint[][] = Array.from({ length: USERS }, () => Array(LIENS).fill(0n));
  /** tokens the custody lienholder holds per user, and slashes not yet burned for want of them */
  held: bigint[] = Array(USERS).fill(0n);
  debt: bigint[] = Array(USERS).fill(0n);

  /** tokens that left for good: burned by the ILP, or by x/staking in the custody lienholder's hands */
  burned = 0n;

  maxClaim(u: number): bigint {
    return this.claims[u].reduce((m, c) => (c > m ? c : m), 0n);
  }

  /** `amount` resolved against the current state (see Amount). */
  resolve(o: GenOp): Op {
    const a = o.amount;
    if ("abs" in a) return { ...o, amount: a.abs } as Op;
    const u = o.user;
    const base = o.kind === "grant" ? this.bonded[u]
      : (o.kind === "release" || o.kind === "slash") && o.lien === CUSTODY ? this.held[u]
        : o.kind === "release" || o.kind === "slash" ? this.claims[u][o.lien]
          : o.kind === "unbond" ? this.bonded[u] - this.maxClaim(u) : 1000n;
    return { ...o, amount: (base * a.pct) / 100n } as Op;
  }

  inPool(u: number): bigint {
    return this.bonded[u] + this.debt[u] - this.held[u];
  }

  /** the ILP keeps a claim record while the claim or held tokens remain */
  hasClaim(u: number, l: number): boolean {
    return this.claims[u][l] > 0n || (l === CUSTODY && this.held[u] > 0n);
  }


  /** Applies `o` if it is valid and returns whether it should succeed. */
  apply(o: Op): boolean {
    switch (o.kind) {
      case "bond": {
        if (o.amount === 0n) return false;
        this.bonded[o.user] += o.amount;
        // Tokens in the pool pay a debt first.
        const paid = o.amount < this.debt[o.user] ? o.amount : this.debt[o.user];
        this.debt[o.user] -= paid;
        this.burned += paid;
        return true;
      }
      case "unbond":
        if (o.amount === 0n || o.amount > this.bonded[o.user] - this.maxClaim(o.user) || o.amount > this.inPool(o.user)) return false;
        this.bonded[o.user] -= o.amount;
        return true;
      case "grant": {
        if (o.amount === 0n || this.claims[o.user][o.lien] + o.amount > this.bonded[o.user]) return false;
        // The slash margin: the largest claim + Σ ⌈claim × max_slash⌉ must fit in the collateral.
        const after = this.claims[o.user].map((c, l) => (l === o.lien ? c + o.amount : c));
        const largest = after.reduce((m, c) => (c > m ? c : m), 0n);
        const margin = after.reduce((sum, c, l) => sum + (c * MAX_SLASH_PERCENT[l] + 99n) / 100n, 0n);
        if (largest + margin > this.bonded[o.user]) return false;
        // A custody claim takes tokens the pool holds for the owner.
        if (o.lien === CUSTODY) {
          if (o.amount > this.inPool(o.user)) return false;
          this.held[o.user] += o.amount;
        }
        this.claims[o.user][o.lien] += o.amount;
        return true;
      }
      case "release":
        // More than the claim releases all of it (a cap may precede the lienholder's news); no claim is an error.
        if (o.amount === 0n || !this.hasClaim(o.user, o.lien)) return false;
        // The custody lienholder sends the tokens back with it (at most what it holds): they pay the debt first, and
        // the claim falls only as far as needed to stay within what is still held.
        if (o.lien === CUSTODY) {
          if (o.amount > this.held[o.user]) return false;
          this.held[o.user] -= o.amount;
          const paid = o.amount < this.debt[o.user] ? o.amount : this.debt[o.user];
          this.debt[o.user] -= paid;
          this.burned += paid;
          if (this.claims[o.user][CUSTODY] > this.held[o.user]) this.claims[o.user][CUSTODY] = this.held[o.user];
          return true;
        }
        this.claims[o.user][o.lien] -= o.amount > this.claims[o.user][o.lien] ? this.claims[o.user][o.lien] : o.amount;
        return true;
      case "slash": {
        if (o.amount === 0n || !this.hasClaim(o.user, o.lien)) return false;
        if (o.lien === CUSTODY) {
          // x/staking burned `taken` of the held tokens; the ILP burns nothing. Pro rata from the claim and from what
          // is held beyond it (which was owed to the debt first).
          const held = this.held[o.user];
          const taken = o.amount > held ? held : o.amount;
          const claim = this.claims[o.user][CUSTODY];
          const fromBeyond = held === 0n ? 0n : (taken * (held - claim)) / held;
          const fromClaim = taken - fromBeyond;
          const debtPaid = fromBeyond < this.debt[o.user] ? fromBeyond : this.debt[o.user];
          this.held[o.user] -= taken;
          this.debt[o.user] -= debtPaid;
          this.burned += taken;
          this.claims[o.user][CUSTODY] -= fromClaim;
          this.bonded[o.user] -= fromBeyond - debtPaid + fromClaim;
          const bonded = this.bonded[o.user];
          this.claims[o.user] = this.claims[o.user].map((c) => (c > bonded ? bonded : c));
          return true;
        }
        const taken = o.amount > this.claims[o.user][o.lien] ? this.claims[o.user][o.lien] : o.amount;
        {
          // The pool's tokens of the owner burn now; the rest is owed until the custody lienholder returns it.
          const inPool = this.inPool(o.user);
          const now = taken < inPool ? taken : inPool;
          this.burned += now;
          this.debt[o.user] += taken - now;
        }
        this.claims[o.user][o.lien] -= taken;
        this.bonded[o.user] -= taken;
        const bonded = this.bonded[o.user];
        this.claims[o.user] = this.claims[o.user].map((c) => (c > bonded ? bonded : c));
        return true;
      }
    }
  }
}

function run(ops: GenOp[]): void {
  const chain = new Chain({ chainId: "mesh-a", prefix: "wasm", bondDenom: DENOM });
  const admin = chain.addr("admin");
  const users = Array.from({ length: USERS }, (_, i) => chain.addr(`user${i}`));
  for (const u of users) chain.fund(u, [{ denom: DENOM, amount: "100000" }]);
  const ilp = chain.instantiate(admin, chain.storeCode(artifact("ilp")), { denom: DENOM }, { label: "ilp" }).address!;
  const lienCode = chain.storeCode(testContract("test-lienholder"));
  const liens = Array.from({ length: LIENS }, (_, i) => chain.instantiate(admin, lienCode,
    { ilp, max_slash: (Number(MAX_SLASH_PERCENT[i]) / 100).toString(), ...(i === CUSTODY ? { custody_denom: DENOM } : {}) }, { label: `lien${i}` }).address!);
  const custody = liens[CUSTODY];
  const model = new Model();
  const supply = () => users.reduce((s, u) => s + chain.balance(u, DENOM), 0n) + chain.balance(ilp, DENOM) + chain.balance(custody, DENOM);
  const before = supply();

  for (const g of ops) {
    const generated = model.resolve(g);
    // x/staking never slashes more than is staked: the custody lienholder reports at most what it holds.
    const o: Op = generated.kind === "slash" && generated.lien === CUSTODY && generated.amount > model.held[generated.user]
      ? { ...generated, amount: model.held[generated.user] } : generated;
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

    checkIlpInvariants(chain, ilp, DENOM);
    for (let i = 0; i < USERS; i++) {
      const a = chain.query<Ilp.AccountResponse>(ilp, IlpQueryMsgBuilder.account({ address: users[i] }));
      expect(BigInt(a.bonded)).toBe(model.bonded[i]);
      for (let l = 0; l < LIENS; l++) {
        const claim = a.claims.find((c) => c.lienholder === liens[l]);
        expect(claim ? BigInt(claim.amount) : 0n).toBe(model.claims[i][l]);
      }
      expect(a.claims.find((c) => c.lienholder === custody)?.held ?? "0").toBe(model.held[i].toString());
      expect(a.debt).toBe(model.debt[i].toString());
    }
    // The custody lienholder holds exactly the tokens of its claims, and no token is created or lost.
    expect(chain.balance(custody, DENOM)).toBe(model.held.reduce((x, y) => x + y, 0n));
    expect(supply() + model.burned).toBe(before);
  }
  expect(allIlpAccounts(chain, ilp).length)
    .toBe(model.bonded.filter((b, i) => b > 0n || model.debt[i] > 0n || liens.some((_, l) => model.hasClaim(i, l))).length);
}

describe("ILP model-based property", () => {
  it(`agrees with the model on random operation sequences (${RUNS} runs, seed ${SEED})`, () => {
    fc.assert(fc.property(fc.array(op, { minLength: 1, maxLength: 60, size: "max" }), (ops) => run(ops)), {
      numRuns: RUNS, seed: SEED, verbose: 1,
    });
  });
});
