// The dashboard's web server: the page (src/dashboard/public, no bundler, no CDN: it works offline), the JSON it
// renders (/api/state, /api/user?address=…, /api/trace?provider=…&consumer=…&tx=…, /api/whatif?provider=…&consumer=…
// &validator=…&fraction=…, /api/whatif-unstake?…&owner=…&amount=…, /api/history: what the server read since it started, for the plots) and Prometheus
// metrics (/metrics). Chain state is read at most once per
// `refreshMs` whatever the number of viewers; a failing read is reported in the answer, never crashes the server.
import { readFileSync } from "fs";
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
  whatIf(provider: string, consumer: string, validator: string, fraction: string): Promise<WhatIf>;
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

export async function startDashboard(source: DashboardSource, opts: { port?: number; host?: string; refreshMs?: number } = {}): Promise<DashboardServer> {
  const refreshMs = opts.refreshMs ?? 3000;
  let cached: { at: number; state: Promise<DashboardState> } | null = null;
  const history: HistoryPoint[] = [];
  const state = () => {
    if (!cached || Date.now() - cached.at >= refreshMs) {
      const next = { at: Date.now(), state: source.state() };
      next.state.then((s) => {
        history.push(historyPoint(s));
        if (history.length > HISTORY) history.shift();
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
      const [provider, consumer, validator, fraction] = ["provider", "consumer", "validator", "fraction"].map((k) => url.searchParams.get(k) ?? "");
      if (!CHAIN_ID.test(provider) || !CHAIN_ID.test(consumer) || !ADDRESS.test(validator) || !/^(0(\.\d{1,18})?|1)$/.test(fraction)) {
        return send(res, 400, "application/json", JSON.stringify({ error: "what-if needs provider, consumer (chain ids), validator (an operator address) and fraction (0 to 1)" }));
      }
      return void source.whatIf(provider, consumer, validator, fraction).then((w) => send(res, 200, "application/json", JSON.stringify(w)), fail);
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
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
