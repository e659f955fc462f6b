// ScenarioNetwork on real wasmd nodes (the devnet harness in src/wasmd): every call is a real transaction or query
// through CosmJS, signed by the fixed test accounts; waiting means waiting for blocks.
import {
  ChainConfig, ConnectedSigner, TEST_ACCOUNTS, connectSigner, ensureChain, moduleQueryClient, queryClient,
} from "../wasmd";
import type { CosmWasmClient } from "@cosmjs/cosmwasm-stargate";
import {
  CloseConfirmResult, Link, Side, channelState, closeLink, confirmChannelClose, connectChains, linkIds, openChannel, relayAll, relayPackets,
  totalAcks, totalPackets, totalTimeouts,
} from "../relay";
import { Account, Coin, RelayStats, ScenarioChain, ScenarioLink, ScenarioNetwork, TxOutcome, contractMessage } from "./types";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class WasmdScenarioChain implements ScenarioChain {
  private signers = new Map<Account, Promise<ConnectedSigner>>();
  private reader?: Promise<CosmWasmClient>;
  private modules?: ReturnType<typeof moduleQueryClient>;

  constructor(readonly cfg: ChainConfig) {}

  get chainId(): string { return this.cfg.chainId; }
  get denom(): string { return this.cfg.denom; }
  get extraDenom(): string { return this.cfg.extraDenom; }

  address(account: Account): string { return TEST_ACCOUNTS[account].address; }

  signer(account: Account): Promise<ConnectedSigner> {
    let s = this.signers.get(account);
    if (!s) {
      s = connectSigner(this.cfg, account);
      this.signers.set(account, s);
    }
    return s;
  }

  private client(): Promise<CosmWasmClient> {
    return (this.reader ??= queryClient(this.cfg));
  }

  private mods(): ReturnType<typeof moduleQueryClient> {
    return (this.modules ??= moduleQueryClient(this.cfg));
  }

  async balance(address: string, denom: string): Promise<bigint> {
    return BigInt((await (await this.client()).getBalance(address, denom)).amount);
  }

  async upload(sender: Account, wasm: Uint8Array): Promise<number> {
    const s = await this.signer(sender);
    return (await s.client.upload(s.address, wasm, s.fee)).codeId;
  }

  async instantiate(sender: Account, codeId: number, msg: unknown, label: string, funds?: Coin[]): Promise<string> {
    const s = await this.signer(sender);
    const res = await s.client.instantiate(s.address, codeId, msg as Record<string, unknown>, label, s.fee, { funds, admin: s.address });
    return res.contractAddress;
  }

  async execute(sender: Account, contract: string, msg: unknown, funds?: Coin[]): Promise<TxOutcome> {
    const s = await this.signer(sender);
    try {
      const res = await s.client.execute(s.address, contract, msg as Record<string, unknown>, s.fee, undefined, funds);
      const events = res.events.map((e) => ({ type: e.type, attributes: e.attributes.map((a) => ({ key: a.key, value: a.value })) }));
      return { ok: true, events, gasUsed: Number(res.gasUsed) };
    } catch (e) {
      return { ok: false, error: contractMessage((e as Error).message) };
    }
  }

  async migrate(sender: Account, contract: string, codeId: number, msg: unknown): Promise<TxOutcome> {
    const s = await this.signer(sender);
    try {
      const res = await s.client.migrate(s.address, contract, codeId, msg as Record<string, unknown>, s.fee);
      const events = res.events.map((e) => ({ type: e.type, attributes: e.attributes.map((a) => ({ key: a.key, value: a.value })) }));
      return { ok: true, events, gasUsed: Number(res.gasUsed) };
    } catch (e) {
      return { ok: false, error: contractMessage((e as Error).message) };
    }
  }

  async query<T = any>(contract: string, msg: unknown): Promise<T> {
    try {
      return await (await this.client()).queryContractSmart(contract, msg as Record<string, unknown>);
    } catch (e) {
      throw new Error(contractMessage((e as Error).message));
    }
  }

  async validators(): Promise<string[]> {
    const { query } = await this.mods();
    return (await query.staking.validators("BOND_STATUS_BONDED")).validators.map((v) => v.operatorAddress);
  }

  async delegation(delegator: string, validator: string): Promise<bigint> {
    const { query } = await this.mods();
    try {
      const res = await query.staking.delegation(delegator, validator);
      return BigInt(res.delegationResponse?.balance?.amount ?? "0");
    } catch (e) {
      if (/not found/i.test((e as Error).message)) return 0n;
      throw e;
    }
  }

  /** x/staking's unbonding entries of `delegator` at `validator` (none when there is no unbonding delegation). */
  async unbondingEntries(delegator: string, validator: string): Promise<{ balance: bigint; creationHeight: bigint; completionTime: Date }[]> {
    const { query } = await this.mods();
    try {
      const res = await query.staking.unbondingDelegation(delegator, validator);
      return (res.unbond?.entries ?? []).map((e) => ({
        balance: BigInt(e.balance),
        creationHeight: e.creationHeight,
        completionTime: new Date(Number(e.completionTime.seconds) * 1000 + Math.floor(e.completionTime.nanos / 1e6)),
      }));
    } catch (e) {
      if (/not found/i.test((e as Error).message)) return [];
      throw e;
    }
  }

  async now(): Promise<bigint> {
    const client = await this.client();
    const block = await client.getBlock();
    return BigInt(new Date(block.header.time).getTime()) * 1_000_000n;
  }

  async wait(seconds: number): Promise<void> {
    const target = (await this.now()) + BigInt(Math.ceil(seconds * 1e9));
    while ((await this.now()) < target) await sleep(Math.max(100, this.cfg.blockTimeMs));
  }

  disconnect(): void {
    void this.reader?.then((c) => c.disconnect());
    for (const s of this.signers.values()) void s.then((x) => x.client.disconnect());
    void this.modules?.then((m) => m.comet.disconnect());
  }
}

/**
 * A @confio/relayer Link. Relaying happens only in relayAll(), like a relayer the test controls; a keep-alive
 * refreshes both light clients while the scenario waits, so long waits (unbonding periods) cannot expire them.
 */
export class WasmdScenarioLink implements ScenarioLink {
  readonly connectionA: string;
  readonly connectionB: string;
  private keepAlive: NodeJS.Timeout;
  private busy: Promise<unknown> = Promise.resolve();

  constructor(readonly a: WasmdScenarioChain, readonly b: WasmdScenarioChain, readonly link: Link) {
    const ids = linkIds(link);
    this.connectionA = ids.connA;
    this.connectionB = ids.connB;
    const maxAgeSeconds = 20;
    this.keepAlive = setInterval(() => {
      this.busy = this.busy.then(() => Promise.all([
        link.updateClientIfStale("A", maxAgeSeconds), link.updateClientIfStale("B", maxAgeSeconds),
      ])).catch(() => undefined);
    }, 5_000);
    this.keepAlive.unref();
  }

  async openChannel(portA: string, portB: string, version: string): Promise<{ channelA: string; channelB: string }> {
    const ids = await this.serial((link) => openChannel(link, portA, portB, version, "unordered"));
    return { channelA: ids.channelA, channelB: ids.channelB };
  }

  /** Runs `fn` on the Link after everything queued before it (keep-alive, relaying): one signer, no sequence races. */
  private serial<T>(fn: (link: Link) => Promise<T>): Promise<T> {
    const run = this.busy.then(() => fn(this.link));
    this.busy = run.catch(() => undefined);
    return run;
  }

  async relayAll(): Promise<RelayStats> {
    const r = await this.serial((link) => relayAll(link));
    return { packets: totalPackets(r), acks: totalAcks(r), timeouts: totalTimeouts(r) };
  }

  /** Delivers pending packets (both directions) but not the acks they produce: those stay for a later relayAll. */
  async relayPacketsOnly(): Promise<number> {
    const r = await this.serial((link) => relayPackets(link));
    return totalPackets(r);
  }

  /** MsgChannelCloseConfirm on `side` for its end (port, channel) once the other end is CLOSED. */
  confirmClose(side: Side, portId: string, channelId: string): Promise<CloseConfirmResult> {
    return this.serial((link) => confirmChannelClose(link, side, portId, channelId));
  }

  /** ibc-go's state of a channel end: "OPEN", "CLOSED", … */
  channelState(side: Side, portId: string, channelId: string): Promise<string> {
    return channelState(this.link, side, portId, channelId);
  }

  close(): void {
    clearInterval(this.keepAlive);
    closeLink(this.link);
  }
}

export class WasmdScenarioNetwork implements ScenarioNetwork {
  readonly backend = "wasmd" as const;
  private readonly chains = new Map<string, WasmdScenarioChain>();

  constructor(configs: ChainConfig[]) {
    for (const cfg of configs) this.chains.set(cfg.chainId, new WasmdScenarioChain(cfg));
  }

  /** Starts (or reuses) every chain. */
  async start(): Promise<void> {
    for (const c of this.chains.values()) await ensureChain(c.cfg);
  }

  chain(chainId: string): WasmdScenarioChain {
    const c = this.chains.get(chainId);
    if (!c) throw new Error(`no chain ${chainId} in this network`);
    return c;
  }

  private readonly links: WasmdScenarioLink[] = [];

  async link(a: string, b: string): Promise<ScenarioLink> {
    const chainA = this.chain(a);
    const chainB = this.chain(b);
    const link = new WasmdScenarioLink(chainA, chainB, await connectChains(chainA.cfg, chainB.cfg));
    this.links.push(link);
    return link;
  }

  async close(): Promise<void> {
    for (const l of this.links.splice(0)) l.close();
    for (const c of this.chains.values()) c.disconnect();
  }
}
