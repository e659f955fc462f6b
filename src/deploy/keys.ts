// Signing keys from where the config points: an environment variable or a file holding a mnemonic, or (local
// devnet only) one of the public test accounts. The mnemonic itself never appears in an error message.
import * as fs from "fs";
import * as path from "path";
import { Bip39, EnglishMnemonic, Slip10, Slip10Curve } from "@cosmjs/crypto";
import { DirectSecp256k1Wallet, makeCosmoshubPath } from "@cosmjs/proto-signing";
import { ACCOUNT_NAMES, AccountName, testAccount } from "../wasmd/accounts";
import { ChainSpec } from "./config";
import { MeshError } from "./errors";

/** Where a chain's key comes from, for messages ("$MESH_KEY_A", "file keys/a.mnemonic"). */
export function describeKey(spec: ChainSpec, baseDir: string): string {
  const k = spec.key;
  if ("mnemonic_env" in k) return `environment variable ${k.mnemonic_env}`;
  if ("mnemonic_file" in k) return `mnemonic file ${path.resolve(baseDir, k.mnemonic_file)}`;
  return `public devnet test account "${k.devnet_account}"`;
}

function readMnemonic(spec: ChainSpec, baseDir: string, env: NodeJS.ProcessEnv): string {
  const k = spec.key;
  if ("mnemonic_env" in k) {
    const value = env[k.mnemonic_env];
    if (value === undefined || value.trim() === "") {
      throw new MeshError(`key for ${spec.id}: environment variable ${k.mnemonic_env} is not set (export it with the deployer's mnemonic)`);
    }
    return value;
  }
  if ("mnemonic_file" in k) {
    const file = path.resolve(baseDir, k.mnemonic_file);
    try {
      return fs.readFileSync(file, "utf8");
    } catch {
      throw new MeshError(`key for ${spec.id}: mnemonic file ${file} cannot be read`);
    }
  }
  if (!(ACCOUNT_NAMES as readonly string[]).includes(k.devnet_account)) {
    throw new MeshError(`key for ${spec.id}: "${k.devnet_account}" is not a devnet test account (${ACCOUNT_NAMES.join(", ")})`);
  }
  return testAccount(k.devnet_account as AccountName).mnemonic;
}

/**
 * The chain's signer (HD path m/44'/118'/0'/0/0, like `wasmd keys add`). The key is derived once: the HD wallet
 * would re-derive it for every signature.
 */
export async function loadWallet(spec: ChainSpec, baseDir: string, env: NodeJS.ProcessEnv = process.env): Promise<DirectSecp256k1Wallet> {
  const words = readMnemonic(spec, baseDir, env).trim().split(/\s+/).join(" ");
  let mnemonic: EnglishMnemonic;
  try {
    mnemonic = new EnglishMnemonic(words);
  } catch {
    throw new MeshError(`key for ${spec.id}: the ${describeKey(spec, baseDir)} does not hold a valid BIP-39 mnemonic`);
  }
  const seed = await Bip39.mnemonicToSeed(mnemonic);
  const { privkey } = Slip10.derivePath(Slip10Curve.Secp256k1, seed, makeCosmoshubPath(0));
  return DirectSecp256k1Wallet.fromKey(privkey, spec.prefix);
}
