// The dashboard's web server: the page (src/dashboard/public, no bundler, no CDN: it works offline), the JSON it
// renders (/api/state, /api/user?address=…) and Prometheus metrics (/metrics). Chain state is read at most once per
// `refreshMs` whatever the number of viewers; a failing read is reported in the answer, never crashes the server.
import { readFileSync } from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as path from "path";
import { DashboardState, UserView } from "./collect";
import { toPrometheus } from "./metrics";

export interface DashboardSource {
  state(): Promise<DashboardState>;
  user(address: string): Promise<UserView>;
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

export async function startDashboard(source: DashboardSource, opts: { port?: number; host?: string; refreshMs?: number } = {}): Promise<DashboardServer> {
  const refreshMs = opts.refreshMs ?? 3000;
  let cached: { at: number; state: Promise<DashboardState> } | null = null;
  const state = () => {
    if (!cached || Date.now() - cached.at >= refreshMs) {
      const next = { at: Date.now(), state: source.state() };
      next.state.catch(() => { if (cached === next) cached = null; });
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
    if (url.pathname === "/metrics") return void state().then((s) => send(res, 200, "text/plain; version=0.0.4; charset=utf-8", toPrometheus(s)), fail);
    if (url.pathname === "/api/user") {
      const address = url.searchParams.get("address") ?? "";
      if (!ADDRESS.test(address)) return send(res, 400, "application/json", JSON.stringify({ error: `not an account address: "${address}"` }));
      return void source.user(address).then((u) => send(res, 200, "application/json", JSON.stringify(u)), fail);
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
