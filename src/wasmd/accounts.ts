import { Bip39, EnglishMnemonic, Slip10, Slip10Curve } from "@cosmjs/crypto";
import { DirectSecp256k1Wallet, makeCosmoshubPath } from "@cosmjs/proto-signing";
/**
 * Fixed test accounts for local devnets and real-chain tests.
 *
 * THESE MNEMONICS ARE PUBLIC. They were generated once with @cosmjs/crypto
 * (`Bip39.encode(Random.getBytes(32))`, 24 words) and committed on purpose so every
 * devnet and test run uses the same addresses. Never use them on a real network.
 *
 * Derivation: Cosmos HD path m/44'/118'/0'/0/0 (CosmJS default = `wasmd keys add` default),
 * bech32 prefix "wasm". The addresses below are the derived values, checked by
 * tests/chain/devnet.test.ts.
 *
 * Every account is funded at genesis on every devnet chain in both denoms
 * (see GENESIS_BALANCE in config.ts); "validator" and "validator2" also self-bond.
 */
export interface TestAccount {
  readonly name: AccountName;
  readonly mnemonic: string;
  /** Address with the "wasm" prefix (derived from `mnemonic`). */
  readonly address: string;
}

export const ACCOUNT_NAMES = ["validator", "validator2", "admin", "alice", "bob", "carol", "relayer"] as const;
export type AccountName = (typeof ACCOUNT_NAMES)[number];

export const TEST_ACCOUNTS: Readonly<Record<AccountName, TestAccount>> = {
  /** Main (big) validator operator of every chain. */
  validator: {
    name: "validator",
    mnemonic:
      "voyage glow speed company orbit tired devote rigid jungle shoot guitar elegant soul day square vivid level palace dynamic knife cabbage elephant fold victory",
    address: "wasm1r2xk7r0csem3uqxn9fehkdz0355s8cm3fu6wf9",
  },
  /** Operator of the small second validator (only bonded on 2-validator chains; funded everywhere). */
  validator2: {
    name: "validator2",
    mnemonic:
      "badge opera bullet crowd lawn enemy position more picnic wonder oak crisp trim congress check twice carry raccoon wrong alarm hill evil shrimp wheat",
    address: "wasm1gvyp69fnsqxkuux8y56mljc3mtzkc5htmrcmzg",
  },
  /** Deploys contracts / holds admin rights in tests. */
  admin: {
    name: "admin",
    mnemonic:
      "delay staff bid liquid process hurry inquiry silent napkin bundle bus melody involve essence festival cram hurt helmet short seat chimney face diagram corn",
    address: "wasm1lalku4ta35fz6shpkrxpvx6h0qugjpyxn8a22d",
  },
  alice: {
    name: "alice",
    mnemonic:
      "misery climb three debris curve stove lion lesson expire verb apart rule life jelly outdoor usual pride pioneer fabric jump squirrel churn usage case",
    address: "wasm1dtw3u7sp7vv4qdsj4pds3ws9jzvn8k8g2txwgv",
  },
  bob: {
    name: "bob",
    mnemonic:
      "huge minor also column wealth comic south cancel stumble shine scrap vapor siren brush unique parent among where memory payment chapter veteran era toward",
    address: "wasm16gasvhfjlsdvhk0vfqvsxeke4xkx860ppk8rje",
  },
  carol: {
    name: "carol",
    mnemonic:
      "card capital strategy crater social donate era fire original jealous robust drastic victory clap rare door raven panel adult supply charge shrimp scissors original",
    address: "wasm1sl5vaqzn5rnmh3ydqnhp3mq8nqx77n5h735dnu",
  },
  /** Signs IBC relaying transactions (@confio/relayer). */
  relayer: {
    name: "relayer",
    mnemonic:
      "stay august culture raise gym guess camera any float energy fly better camera caution shop wagon test sick service still celery ill youth ticket",
    address: "wasm18hrssn0zhxaws7vx93y5enmt77t8cqyscylvzg",
  },
};

export function testAccount(name: AccountName): TestAccount {
  const acc = TEST_ACCOUNTS[name];
  if (!acc) throw new Error(`unknown test account "${name}" (known: ${ACCOUNT_NAMES.join(", ")})`);
  return acc;
}

const walletCache = new Map<string, Promise<DirectSecp256k1Wallet>>();

/**
 * Signer for a test account (HD path m/44'/118'/0'/0/0, like DirectSecp256k1HdWallet) holding the
 * derived key: DirectSecp256k1HdWallet re-derives the key pair (an EC multiplication) for every
 * getAccounts()/signDirect(), i.e. ~3 extra multiplications per tx. That matters under jest, where
 * bn.js EC math (elliptic) runs ~5× slower: every global `Math.imul` lookup goes through the vm
 * context's global proxy (measured: 2e7 Math.imul calls 5.4 s in a jest test vs 0.35 s in node).
 */
export function accountWallet(account: AccountName, prefix: string): Promise<DirectSecp256k1Wallet> {
  const key = `${account}/${prefix}`;
  let w = walletCache.get(key);
  if (!w) {
    w = (async () => {
      const seed = await Bip39.mnemonicToSeed(new EnglishMnemonic(testAccount(account).mnemonic));
      const { privkey } = Slip10.derivePath(Slip10Curve.Secp256k1, seed, makeCosmoshubPath(0));
      return DirectSecp256k1Wallet.fromKey(privkey, prefix);
    })();
    walletCache.set(key, w);
  }
  return w;
}

