// The dashboard's web server: the page (src/dashboard/public, no bundler, no CDN: it works offline), the JSON it
// renders (/api/state, /api/user?address=…, /api/trace?provider=…&consumer=…&tx=…, /api/whatif?provider=…&consumer=…
// &validator=…&fraction=…[&since_batch=…], /api/whatif-unstake?…&owner=…&amount=…, /api/history: what the server read, for the plots — kept across restarts in a history file) and Prometheus
// metrics (/metrics). Chain state is read at most once per
// `refreshMs` whatever the number of viewers; a failing read is reported in the answer, never crashes the server.
import { existsSync, readFileSync, renameSync, writeFileSync } from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as path from "path";
import { DashboardState, TraceStep, UserView } from "./collect";
import { WhatIf, WhatIfUnstake } from "./whatif";
import { localShare } from "../deploy/status";
import { toPrometheus } from "./metrics";

export interface DashboardSource {
  state(): Promise<DashboardState>;
  user(address: string): Promise<UserView>;
  trace(provider: string, consumer: string, txId: number): Promise<TraceStep[]>;
  whatIf(provider: string, consumer: string, validator: string, fraction: string, sinceBatch?: number): Promise<WhatIf>;
  whatIfUnstake(provider: string, consumer: string, owner: string, validator: string, amount: bigint): Promise<WhatIfUnstake>;
}

/** One point of the history the page plots: per consumer chain its local share, per link its delegation. */
export interface HistoryPoint {
  atMs: number;
  localShare: Record<string, number>;
  delegated: Record<string, number>;
}

/** Points kept (one per chain read: at the default 3 s refresh, the last hour). */
const HISTORY = 1200;

export function historyPoint(state: DashboardState): HistoryPoint {
  const point: HistoryPoint = { atMs: state.generatedAtMs, localShare: {}, delegated: {} };
  for (const l of state.links) {
    const share = l.economics ? localShare(l.economics) : null;
    if (share !== null) point.localShare[l.consumer] = share;
    if (l.consumerDelegated !== undefined) point.delegated[`${l.provider}->${l.consumer}`] = Number(l.consumerDelegated);
  }
  return point;
}

const isNumberRecord = (v: unknown): v is Record<string, number> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === "number" && Number.isFinite(x));

/**
 * The history kept in `file` by an earlier run of the server: the last HISTORY points that have the expected shape.
 * A missing file is an empty history; a file that is not a history is an error (it is not overwritten silently).
 */
export function loadHistory(file: string): HistoryPoint[] {
  if (!existsSync(file)) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`the dashboard history ${file} is not JSON (${(e as Error).message}); move it away to start a new one`);
  }
  if (!Array.isArray(parsed)) throw new Error(`the dashboard history ${file} is not a list of points; move it away to start a new one`);
  return parsed
    .filter((p): p is HistoryPoint => typeof p?.atMs === "number" && isNumberRecord(p.localShare) && isNumberRecord(p.delegated))
    .slice(-HISTORY);
}

/** Writes the history whole to a temporary file and renames it over `file`, so a crash never leaves half of it. */
function saveHistory(file: string, history: HistoryPoint[]): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(history));
  renameSync(`${file}.tmp`, file);
}

/** The history is written at most this often (and when the server closes). */
const HISTORY_WRITE_MS = 10_000;

export interface DashboardServer {
  url: string;
  close(): Promise<void>;
}

const PUBLIC = path.join(__dirname, "public");
const FILES: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "/app.css": { file: "app.css", type: "text/css; charset=utf-8" },
};

/** bech32 account address: a human part, "1", then data characters (checked again by the chain's query). */
const ADDRESS = /^[a-z0-9]{1,83}1[02-9ac-hj-np-z]{6,}$/;
const CHAIN_ID = /^[a-zA-Z0-9._-]{1,64}$/;

/**
 * `historyFile`: where the plots' history survives a restart (read at start, written at most every 10 s and on
 * close); without it the history lives in memory only.
 */
export async function startDashboard(
  source: DashboardSource, opts: { port?: number; host?: string; refreshMs?: number; historyFile?: string } = {},
): Promise<DashboardServer> {
  const refreshMs = opts.refreshMs ?? 3000;
  let cached: { at: number; state: Promise<DashboardState> } | null = null;
  const historyFile = opts.historyFile;
  const history: HistoryPoint[] = historyFile ? loadHistory(historyFile) : [];
  let written = Date.now();
  let unsaved = false;
  const persist = () => {
    if (!historyFile || !unsaved) return;
    saveHistory(historyFile, history);
    written = Date.now();
    unsaved = false;
  };
  const state = () => {
    if (!cached || Date.now() - cached.at >= refreshMs) {
      const next = { at: Date.now(), state: source.state() };
      next.state.then((s) => {
        history.push(historyPoint(s));
        if (history.length > HISTORY) history.shift();
        unsaved = true;
        if (Date.now() - written >= HISTORY_WRITE_MS) persist();
      }, () => { if (cached === next) cached = null; });
      cached = next;
    }
    return cached.state;
  };
  const send = (res: http.ServerResponse, code: number, type: string, body: string) => {
    res.writeHead(code, { "content-type": type, "cache-control": "no-store" });
    res.end(body);
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://dashboard");
    const file = FILES[url.pathname];
    if (req.method !== "GET") return send(res, 405, "text/plain", "GET only\n");
    if (file) return send(res, 200, file.type, readFileSync(path.join(PUBLIC, file.file), "utf8"));
    const fail = (e: unknown) => send(res, 502, "application/json", JSON.stringify({ error: (e as Error).message.split("\n")[0] }));
    if (url.pathname === "/api/state") return void state().then((s) => send(res, 200, "application/json", JSON.stringify(s)), fail);
    if (url.pathname === "/api/history") return send(res, 200, "application/json", JSON.stringify(history));
    if (url.pathname === "/metrics") return void state().then((s) => send(res, 200, "text/plain; version=0.0.4; charset=utf-8", toPrometheus(s)), fail);
    if (url.pathname === "/api/user") {
      const address = url.searchParams.get("address") ?? "";
      if (!ADDRESS.test(address)) return send(res, 400, "application/json", JSON.stringify({ error: `not an account address: "${address}"` }));
      return void source.user(address).then((u) => send(res, 200, "application/json", JSON.stringify(u)), fail);
    }
    if (url.pathname === "/api/trace") {
      const [provider, consumer, tx] = ["provider", "consumer", "tx"].map((k) => url.searchParams.get(k) ?? "");
      if (!CHAIN_ID.test(provider) || !CHAIN_ID.test(consumer) || !/^\d{1,19}$/.test(tx)) {
        return send(res, 400, "application/json", JSON.stringify({ error: "trace needs provider, consumer (chain ids) and tx (a number)" }));
      }
      return void source.trace(provider, consumer, Number(tx)).then((t) => send(res, 200, "application/json", JSON.stringify(t)), fail);
    }
    if (url.pathname === "/api/whatif") {
      const [provider, consumer, validator, fraction, since] = ["provider", "consumer", "validator", "fraction", "since_batch"].map((k) => url.searchParams.get(k) ?? "");
      if (!CHAIN_ID.test(provider) || !CHAIN_ID.test(consumer) || !ADDRESS.test(validator) || !/^(0(\.\d{1,18})?|1)$/.test(fraction) || !/^(|[1-9]\d{0,8})$/.test(since)) {
        return send(res, 400, "application/json", JSON.stringify({ error: "what-if needs provider, consumer (chain ids), validator (an operator address), fraction (0 to 1) and optionally since_batch (a batch number from 1)" }));
      }
      return void source.whatIf(provider, consumer, validator, fraction, since === "" ? undefined : Number(since)).then((w) => send(res, 200, "application/json", JSON.stringify(w)), fail);
    }
    if (url.pathname === "/api/whatif-unstake") {
      const [provider, consumer, owner, validator, amount] = ["provider", "consumer", "owner", "validator", "amount"].map((k) => url.searchParams.get(k) ?? "");
      if (!CHAIN_ID.test(provider) || !CHAIN_ID.test(consumer) || !ADDRESS.test(owner) || !ADDRESS.test(validator) || !/^[1-9]\d{0,38}$/.test(amount)) {
        return send(res, 400, "application/json", JSON.stringify({ error: "an unstake what-if needs provider, consumer (chain ids), owner, validator and amount (a positive integer)" }));
      }
      return void source.whatIfUnstake(provider, consumer, owner, validator, BigInt(amount)).then((w) => send(res, 200, "application/json", JSON.stringify(w)), fail);
    }
    send(res, 404, "text/plain", "not found\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 8080, opts.host ?? "127.0.0.1", () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())).then(persist),
  };
}
