// ScenarioNetwork on the in-process host: chains are `Chain` instances, accounts get the same genesis funds as
// on the devnet, and time passes instantly.
import { Chain, Link, Relayer, connectChains, openChannel } from "../host";
import { DEFAULT_EXTRA_DENOM, DEFAULT_SELF_BOND, GENESIS_BALANCE, STAKE_DENOM } from "../wasmd/config";
import { Account, Coin, RelayStats, ScenarioChain, ScenarioLink, ScenarioNetwork, TxOutcome, contractMessage } from "./types";

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

  async migrate(sender: Account, contract: string, codeId: number, msg: unknown): Promise<TxOutcome> {
    const res = this.host.migrate(this.address(sender), contract, codeId, msg);
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

  /** Set by the network so that time passes on every chain at once, as it does for real chains. */
  waitAll?: (seconds: number) => void;

  async wait(seconds: number): Promise<void> {
    if (this.waitAll) this.waitAll(seconds); else this.host.advance({ seconds });
  }
}

/** An in-process IBC link; `relayer` gives tests full control (hold, reorder, drop, replay, time out). */
export class HostScenarioLink implements ScenarioLink {
  readonly link: Link;
  readonly relayer: Relayer;

  constructor(readonly a: HostScenarioChain, readonly b: HostScenarioChain) {
    this.link = connectChains(a.host, b.host);
    this.relayer = new Relayer(this.link);
  }

  get connectionA(): string { return this.link.connectionA; }
  get connectionB(): string { return this.link.connectionB; }

  async openChannel(portA: string, portB: string, version: string): Promise<{ channelA: string; channelB: string }> {
    const c = openChannel(this.link, portA, portB, version);
    return { channelA: c.channelA, channelB: c.channelB };
  }

  async relayAll(): Promise<RelayStats> {
    const r = this.relayer.relayAll();
    const failed = r.results.filter((x) => !x.ok);
    if (failed.length > 0) throw new Error(`relay failed: ${failed.map((f) => f.error).join("; ")}`);
    return { packets: r.packets, acks: r.acks, timeouts: r.timeouts };
  }
}

export class HostScenarioNetwork implements ScenarioNetwork {
  readonly backend = "host" as const;
  private readonly chains = new Map<string, HostScenarioChain>();

  /**
   * Chains mirror the devnet's: 200 ms blocks, 90 s unbonding, one validator bonded at genesis (with `selfBond`, to
   * make the bonded total small enough for tests of shares of it).
   */
  constructor(chainIds: string[], opts: { blockTimeMs?: number; unbondingSeconds?: number; selfBond?: bigint } = {}) {
    for (const id of chainIds) {
      const host = new Chain({
        chainId: id, prefix: "wasm", bondDenom: STAKE_DENOM, blockTimeMs: opts.blockTimeMs ?? 200,
        unbondingTimeSeconds: opts.unbondingSeconds ?? 90,
      });
      host.addValidator("validator", opts.selfBond ?? BigInt(DEFAULT_SELF_BOND));
      const chain = new HostScenarioChain(host);
      chain.waitAll = (seconds) => { for (const c of this.chains.values()) c.host.advance({ seconds }); };
      this.chains.set(id, chain);
    }
  }

  chain(chainId: string): HostScenarioChain {
    const c = this.chains.get(chainId);
    if (!c) throw new Error(`no chain ${chainId} in this network`);
    return c;
  }

  async link(a: string, b: string): Promise<HostScenarioLink> {
    return new HostScenarioLink(this.chain(a), this.chain(b));
  }

  async close(): Promise<void> {}
}
