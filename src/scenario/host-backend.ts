// ScenarioNetwork on the in-process host: chains are `Chain` instances, accounts get the same genesis funds as
// on the devnet, and time passes instantly.
import { Chain } from "../host";
import { DEFAULT_EXTRA_DENOM, GENESIS_BALANCE, STAKE_DENOM } from "../chain/config";
import { Account, Coin, ScenarioChain, ScenarioLink, ScenarioNetwork, TxOutcome, contractMessage } from "./types";

const ACCOUNTS: Account[] = ["admin", "alice", "bob", "carol", "relayer", "validator", "validator2"];

export class HostScenarioChain implements ScenarioChain {
  readonly denom = STAKE_DENOM;
  readonly extraDenom = DEFAULT_EXTRA_DENOM;

  constructor(readonly host: Chain) {
    for (const account of ACCOUNTS) {
      host.fund(host.addr(account), [{ denom: STAKE_DENOM, amount: GENESIS_BALANCE }, { denom: DEFAULT_EXTRA_DENOM, amount: GENESIS_BALANCE }]);
    }
  }

  get chainId(): string { return this.host.chainId; }

  address(account: Account): string { return this.host.addr(account); }

  async balance(address: string, denom: string): Promise<bigint> { return this.host.balance(address, denom); }

  async upload(_sender: Account, wasm: Uint8Array): Promise<number> { return this.host.storeCode(wasm); }

  async instantiate(sender: Account, codeId: number, msg: unknown, label: string, funds?: Coin[]): Promise<string> {
    const res = this.host.instantiate(this.address(sender), codeId, msg, { label, funds, admin: this.address(sender) });
    if (!res.ok) throw new Error(res.error);
    return res.address!;
  }

  async execute(sender: Account, contract: string, msg: unknown, funds?: Coin[]): Promise<TxOutcome> {
    const res = this.host.execute(this.address(sender), contract, msg, funds);
    this.host.advance({ blocks: 1 });
    return res.ok ? { ok: true, events: res.events } : { ok: false, error: contractMessage(res.error) };
  }

  async query<T = any>(contract: string, msg: unknown): Promise<T> {
    try {
      return this.host.query<T>(contract, msg);
    } catch (e) {
      throw new Error(contractMessage((e as Error).message));
    }
  }

  async validators(): Promise<string[]> {
    const staking = this.host.modules.get("staking") as unknown as { bondedValidators?(): string[] } | undefined;
    return staking?.bondedValidators?.() ?? [];
  }

  async delegation(delegator: string, validator: string): Promise<bigint> {
    const staking = this.host.modules.get("staking") as unknown as { delegationTokens?(d: string, v: string): bigint } | undefined;
    return staking?.delegationTokens?.(delegator, validator) ?? 0n;
  }

  async now(): Promise<bigint> { return this.host.timeNs; }

  async wait(seconds: number): Promise<void> { this.host.advance({ seconds }); }
}

export class HostScenarioNetwork implements ScenarioNetwork {
  readonly backend = "host" as const;
  private readonly chains = new Map<string, HostScenarioChain>();

  constructor(chainIds: string[], opts: { blockTimeMs?: number } = {}) {
    for (const id of chainIds) {
      this.chains.set(id, new HostScenarioChain(new Chain({ chainId: id, prefix: "wasm", bondDenom: STAKE_DENOM, blockTimeMs: opts.blockTimeMs ?? 200 })));
    }
  }

  chain(chainId: string): HostScenarioChain {
    const c = this.chains.get(chainId);
    if (!c) throw new Error(`no chain ${chainId} in this network`);
    return c;
  }

  async link(_a: string, _b: string): Promise<ScenarioLink> {
    throw new Error("host IBC links: not available yet");
  }

  async close(): Promise<void> {}
}
