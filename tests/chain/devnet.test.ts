/**
 * The local chain harness itself: block speed, a bank send, kill -9 + restart keeping state,
 * and (on a 2-validator chain) a real downtime slash + jailing of the small validator.
 * Suites that disturb a chain use chains of their own (isolatedChain), never mesh-a.
 */
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { calculateFee } from "@cosmjs/stargate";
import {
  ACCOUNT_NAMES,
  TEST_ACCOUNTS,
  disconnectAll,
  ensureChain,
  getBalanceAt,
  getHeight,
  isRunning,
  isolatedChain,
  moduleQueryClient,
  nodePid,
  nodeRssKiB,
  pidAlive,
  reader,
  releaseLease,
  signer,
  startChain,
  stopChain,
  testChain,
  waitForBlocks,
  waitForHeight,
} from "./helpers";

afterAll(() => disconnectAll());

// These tests kill and start node processes and wait for consensus timing on a 2-core machine shared with other
// work: one retry, with the first failure logged, so a scheduling hiccup is visible without failing the run.
jest.retryTimes(1, { logErrorsBeforeRetry: true });

describe("test accounts", () => {
  it("documented addresses match the mnemonics", async () => {
    for (const name of ACCOUNT_NAMES) {
      const w = await DirectSecp256k1HdWallet.fromMnemonic(TEST_ACCOUNTS[name].mnemonic, { prefix: "wasm" });
      const [a] = await w.getAccounts();
      expect(a.address).toBe(TEST_ACCOUNTS[name].address);
    }
  });
});

describe("mesh-a (shared chain)", () => {
  const cfg = testChain("mesh-a");

  it("produces blocks at roughly the configured speed", async () => {
    const h0 = await getHeight(cfg);
    const t0 = Date.now();
    const h1 = await waitForHeight(cfg, h0 + 10);
    const msPerBlock = (Date.now() - t0) / (h1 - h0);
    console.log(
      `${cfg.chainId}: ${(1000 / msPerBlock).toFixed(2)} blocks/s (${msPerBlock.toFixed(0)} ms/block, ` +
        `timeout_commit ${cfg.blockTimeMs} ms), RSS ${((nodeRssKiB(cfg) ?? 0) / 1024).toFixed(0)} MiB`,
    );
    expect(msPerBlock).toBeGreaterThan(cfg.blockTimeMs * 0.7);
    expect(msPerBlock).toBeLessThan(cfg.blockTimeMs * 5);
  });

  it("bank send between two funded accounts moves exactly amount (+ fee)", async () => {
    // carol → bob (alice/admin are used by other chain suites running in parallel); balances are
    // compared just before and at the tx's block, so concurrent txs of other suites don't matter.
    const carol = await signer(cfg, "carol");
    const bob = TEST_ACCOUNTS.bob.address;
    const res = await carol.client.sendTokens(carol.address, bob, [{ denom: cfg.extraDenom, amount: "12345" }], carol.fee);
    expect(res.code).toBe(0);
    const fee = BigInt(calculateFee(Number(res.gasWanted), carol.gasPrice).amount[0].amount);
    const at = (addr: string, denom: string, h: number) => getBalanceAt(cfg, addr, denom, h);
    const [h0, h1] = [res.height - 1, res.height];
    expect((await at(bob, cfg.extraDenom, h1)) - (await at(bob, cfg.extraDenom, h0))).toBe(12345n);
    expect((await at(carol.address, cfg.extraDenom, h0)) - (await at(carol.address, cfg.extraDenom, h1))).toBe(12345n);
    expect((await at(carol.address, cfg.denom, h0)) - (await at(carol.address, cfg.denom, h1))).toBe(fee);
  });
});

describe("kill -9 and restart (own chain)", () => {
  const cfg = isolatedChain("mesh-restart", 20);
  afterAll(async () => {
    await stopChain(cfg);
    releaseLease(cfg.chainId);
  });

  it("keeps balances and continues the height", async () => {
    let t = Date.now();
    await ensureChain(cfg, { fresh: true, leaseFor: process.pid });
    console.log(`${cfg.chainId}: cold init + start ${((Date.now() - t) / 1000).toFixed(1)}s`);

    const recipient = (await (await DirectSecp256k1HdWallet.generate(12, { prefix: "wasm" })).getAccounts())[0].address;
    const carol = await signer(cfg, "carol");
    const res = await carol.client.sendTokens(carol.address, recipient, [{ denom: cfg.extraDenom, amount: "777" }], carol.fee);
    expect(res.code).toBe(0);
    await waitForBlocks(cfg, 2);
    carol.client.disconnect();

    const pid = nodePid(cfg)!;
    const heightBefore = await getHeight(cfg);
    await stopChain(cfg, { signal: "SIGKILL" });
    expect(isRunning(cfg)).toBe(false);
    expect(pidAlive(pid)).toBe(false);

    t = Date.now();
    await startChain(cfg);
    console.log(`${cfg.chainId}: warm restart after kill -9 ${((Date.now() - t) / 1000).toFixed(1)}s`);
    expect(nodePid(cfg)).not.toBe(pid);
    const q = await reader(cfg);
    expect((await q.getBalance(recipient, cfg.extraDenom)).amount).toBe("777");
    const h = await waitForBlocks(cfg, 3);
    expect(h).toBeGreaterThan(heightBefore);
  });
});

describe("downtime of the small validator (own 2-validator chain)", () => {
  const cfg = isolatedChain("mesh-downtime", 21, { validators: 2 });
  afterAll(async () => {
    await stopChain(cfg);
    releaseLease(cfg.chainId);
  });

  it("is slashed and jailed after missing more than half of the signed-blocks window", async () => {
    await ensureChain(cfg, { fresh: true, leaseFor: process.pid });
    const { query, comet } = await moduleQueryClient(cfg);
    try {
      const val2 = async () => {
        const { validators } = await query.staking.validators("");
        return validators.find((v) => v.description?.moniker === cfg.nodes[1].moniker)!;
      };
      const before = await val2();
      expect(before.jailed).toBe(false);
      // Let validator2 sign a full window first: it must not be jailed while it is up.
      await waitForHeight(cfg, cfg.slashing.signedBlocksWindow + 5);
      expect((await val2()).jailed).toBe(false);

      await stopChain(cfg, { nodes: [1] });
      const stoppedAt = await getHeight(cfg);
      const deadline = Date.now() + 60_000;
      let v = await val2();
      while (!v.jailed && Date.now() < deadline) {
        await waitForBlocks(cfg, 1);
        v = await val2();
      }
      const jailedAt = await getHeight(cfg);
      console.log(`${cfg.chainId}: validator2 jailed ${jailedAt - stoppedAt} blocks after being stopped`);
      expect(v.jailed).toBe(true);
      // slash_fraction_downtime 0.01 of the 100_000_000 bond
      expect(BigInt(v.tokens)).toBe((BigInt(before.tokens) * 99n) / 100n);
      // the chain keeps going on the big validator alone
      await waitForBlocks(cfg, 3);
    } finally {
      comet.disconnect();
    }
  });
});
