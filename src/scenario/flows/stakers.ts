// Many distinct funded accounts on one chain (e.g. 50 stakers for the bench): random keys, funded by one
// MsgMultiSend from a test account, all signing through one client whose signer holds every key.
import { SigningCosmWasmClient } from "@cosmjs/cosmwasm-stargate";
import { Random } from "@cosmjs/crypto";
import { AccountData, DirectSecp256k1Wallet, DirectSignResponse, OfflineDirectSigner } from "@cosmjs/proto-signing";
import { GasPrice } from "@cosmjs/stargate";
import { SignDoc } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { MsgMultiSend } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { ChainConfig, ConnectedSigner } from "../../wasmd";

/** An OfflineDirectSigner over several keys: signs for whichever of its addresses is asked. */
class KeyRing implements OfflineDirectSigner {
  private constructor(private readonly byAddress: Map<string, DirectSecp256k1Wallet>, private readonly accounts: AccountData[]) {}

  static async random(n: number, prefix: string): Promise<KeyRing> {
    const byAddress = new Map<string, DirectSecp256k1Wallet>();
    const accounts: AccountData[] = [];
    for (let i = 0; i < n; i++) {
      const wallet = await DirectSecp256k1Wallet.fromKey(Random.getBytes(32), prefix);
      const [account] = await wallet.getAccounts();
      byAddress.set(account.address, wallet);
      accounts.push(account);
    }
    return new KeyRing(byAddress, accounts);
  }

  async getAccounts(): Promise<readonly AccountData[]> {
    return this.accounts;
  }

  signDirect(signerAddress: string, signDoc: SignDoc): Promise<DirectSignResponse> {
    const wallet = this.byAddress.get(signerAddress);
    if (!wallet) throw new Error(`no key for ${signerAddress}`);
    return wallet.signDirect(signerAddress, signDoc);
  }
}

export interface Stakers {
  addresses: string[];
  /** Signs for every address in `addresses` ("auto" fees). */
  client: SigningCosmWasmClient;
}

/** `n` new accounts on `cfg`, each funded by `funder` with `amount` of the staking denom (one tx). */
export async function fundedStakers(cfg: ChainConfig, funder: ConnectedSigner, n: number, amount: bigint): Promise<Stakers> {
  const ring = await KeyRing.random(n, cfg.prefix);
  const addresses = (await ring.getAccounts()).map((a) => a.address);
  const coins = [{ denom: cfg.denom, amount: amount.toString() }];
  const send = {
    typeUrl: "/cosmos.bank.v1beta1.MsgMultiSend",
    value: MsgMultiSend.fromPartial({
      inputs: [{ address: funder.address, coins: [{ denom: cfg.denom, amount: (amount * BigInt(n)).toString() }] }],
      outputs: addresses.map((address) => ({ address, coins })),
    }),
  };
  const res = await funder.client.signAndBroadcast(funder.address, [send], funder.fee);
  if (res.code !== 0) throw new Error(`funding ${n} stakers failed: ${res.rawLog}`);
  const client = await SigningCosmWasmClient.connectWithSigner(cfg.rpcUrl, ring, {
    gasPrice: GasPrice.fromString(cfg.gasPrice),
    broadcastPollIntervalMs: Math.max(100, cfg.blockTimeMs),
    broadcastTimeoutMs: 30_000,
  });
  return { addresses, client };
}
