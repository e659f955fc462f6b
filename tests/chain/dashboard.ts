// The dashboard of a test's meshes, served on a free port and opened in headless Chromium (Debian's package,
// installed by scripts/install-chromium.sh; MESH_CHROMIUM names another binary). Console errors and failed page
// requests are collected; screenshots go to test-artifacts/dashboard/.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import puppeteer, { Browser, Page } from "puppeteer-core";
import { collectDashboard, collectUser, DashboardState, traceOperation, whatIfSlash, whatIfUnstake } from "../../src/dashboard/collect";
import { startDashboard } from "../../src/dashboard/server";
import { devnetLink, devnetMeshConfig } from "../../src/deploy/devnet";
import { DeploymentRecord } from "../../src/deploy/record";
import { Sessions } from "../../src/deploy/session";
import { MeshDeployment } from "../../src/scenario/scenarios/mesh";
import { ChainConfig, REPO_ROOT } from "../../src/wasmd";

export const SCREENSHOTS = path.join(REPO_ROOT, "test-artifacts", "dashboard");

function chromium(): string {
  const named = process.env.MESH_CHROMIUM;
  if (named) return named;
  for (const bin of ["chromium", "chromium-browser"]) {
    try {
      return execFileSync("sh", ["-c", `command -v ${bin}`], { encoding: "utf8" }).trim();
    } catch {
      /* next */
    }
  }
  throw new Error("no Chromium found: run scripts/install-chromium.sh (npm test does) or set MESH_CHROMIUM");
}

/** The deployment record `mesh deploy` would have written for these meshes. */
export function recordOf(meshes: MeshDeployment[]): DeploymentRecord {
  const record: DeploymentRecord = { version: 1, chains: {}, links: {} };
  for (const d of meshes) {
    const [p, c] = [d.provider.chainId, d.consumer.chainId];
    (record.chains[p] ??= { codes: {} }).ilp = d.ilp;
    (record.chains[c] ??= { codes: {} }).meta_staking = d.metaStaking;
    record.links[`${p}->${c}`] = {
      provider: p, consumer: c, mesh_provider: d.meshProvider, mesh_consumer: d.meshConsumer,
      connection: { provider: d.link.connectionA, consumer: d.link.connectionB }, channel: { provider: d.channelA, consumer: d.channelB },
    };
  }
  return record;
}

export interface OpenDashboard {
  url: string;
  page: Page;
  /** console errors, uncaught exceptions and failed requests of the page */
  errors: string[];
  /** the state the server last read */
  state(): Promise<DashboardState>;
  /** reloads the page (the server reads the chains again) and waits for it to render */
  refresh(): Promise<void>;
  /** text of the element with this id */
  text(id: string): Promise<string>;
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function openDashboard(chains: ChainConfig[], meshes: MeshDeployment[], address?: string): Promise<OpenDashboard> {
  const links = meshes.map((d) => devnetLink(chains.find((c) => c.chainId === d.provider.chainId)!, chains.find((c) => c.chainId === d.consumer.chainId)!));
  const config = devnetMeshConfig(chains, links, "");
  const record = recordOf(meshes);
  const sessions = new Sessions(config.chains, config.baseDir);
  const server = await startDashboard({
    state: () => collectDashboard(config, sessions, record),
    user: (a) => collectUser(config, sessions, record, a),
    trace: (provider, consumer, tx) => traceOperation(sessions, record, provider, consumer, tx),
    whatIf: (provider, consumer, validator, fraction, sinceBatch) => whatIfSlash(sessions, record, provider, consumer, validator, fraction, sinceBatch),
    whatIfUnstake: (provider, consumer, owner, validator, amount) => whatIfUnstake(sessions, record, provider, consumer, owner, validator, amount),
  }, { port: 0, refreshMs: 0 });
  let browser: Browser | undefined;
  try {
    browser = await puppeteer.launch({ executablePath: chromium(), headless: true, args: ["--no-sandbox", "--disable-gpu"] });
    const page = await browser.newPage();
    await page.setViewport({ width: 1500, height: 1400 });
    const errors: string[] = [];
    page.on("console", (m) => { if (m.type() === "error") errors.push(`console: ${m.text()} (${m.location().url ?? ""})`); });
    page.on("pageerror", (e) => errors.push(`page: ${(e as Error).message}`));
    page.on("requestfailed", (r) => errors.push(`request: ${r.url()} ${r.failure()?.errorText}`));
    const url = `${server.url}${address ? `?address=${encodeURIComponent(address)}` : ""}`;
    const rendered = async () => {
      // (a page-side expression: the test has no DOM types)
      await page.waitForFunction(`document.getElementById("updated").textContent.startsWith("read ")
        && (!new URLSearchParams(location.search).get("address") || document.querySelector("[data-testid=user-accounts]") !== null)`, { timeout: 60_000 });
    };
    await page.goto(url, { waitUntil: "load" });
    await rendered();
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    const b = browser;
    return {
      url, page, errors,
      state: async () => (await fetch(`${server.url}api/state`)).json() as Promise<DashboardState>,
      refresh: async () => {
        await page.reload({ waitUntil: "load" });
        await rendered();
      },
      text: async (id) => page.$eval(`#${id}`, (e) => (e as unknown as { innerText: string }).innerText),
      screenshot: async (name) => {
        const file = path.join(SCREENSHOTS, `${name}.png`);
        await page.screenshot({ path: file, fullPage: true });
        return file;
      },
      close: async () => {
        await b.close();
        await server.close();
        await sessions.closeAll();
      },
    };
  } catch (e) {
    await browser?.close();
    await server.close();
    await sessions.closeAll();
    throw e;
  }
}
