/**
 * Logging for the relay module: one line per message through a replaceable sink (default: a plain
 * line on stderr, like the chain tests' logger; jest's console.log would add a stack location).
 *
 * The @confio/relayer library logs through its own `Logger` interface (error/warn/info/verbose/
 * debug); `libraryLogger()` adapts it. Its "info" level is chatty (one line per step of every
 * relay round), so by default only warn/error are shown; MESH_RELAY_LOG=info|verbose|debug shows more.
 */
import type { Logger as LibLogger } from "./lib";

export type RelayLogSink = (msg: string) => void;

const LEVELS = ["error", "warn", "info", "verbose", "debug"] as const;
export type RelayLogLevel = (typeof LEVELS)[number];

let sink: RelayLogSink | undefined;
let level: RelayLogLevel = parseLevel(process.env.MESH_RELAY_LOG) ?? "warn";

function parseLevel(s: string | undefined): RelayLogLevel | undefined {
  return LEVELS.find((l) => l === s?.trim().toLowerCase());
}

/** Replace where relay log lines go (default: stderr). */
export function setRelayLogger(fn: RelayLogSink | undefined): void {
  sink = fn;
}

/** Most verbose library level that is printed (default "warn", or $MESH_RELAY_LOG). */
export function setRelayLogLevel(l: RelayLogLevel): void {
  level = l;
}

export function relayLog(msg: string): void {
  const line = `[relay] ${msg}`;
  if (sink) sink(line);
  else process.stderr.write(`${line}\n`);
}

function enabled(l: RelayLogLevel): boolean {
  return LEVELS.indexOf(l) <= LEVELS.indexOf(level);
}

function fmtMeta(meta?: Record<string, unknown>): string {
  if (!meta || Object.keys(meta).length === 0) return "";
  try {
    return " " + JSON.stringify(meta, (_k, v) => (typeof v === "bigint" ? v.toString() : v instanceof Uint8Array ? `<${v.length} bytes>` : v));
  } catch {
    return "";
  }
}

/** A @confio/relayer Logger writing through relayLog, prefixed with `tag` (e.g. the link name). */
export function libraryLogger(tag: string): LibLogger {
  const logger: LibLogger = {} as LibLogger;
  for (const l of LEVELS) {
    logger[l] = (message: string, meta?: Record<string, unknown>) => {
      if (enabled(l)) relayLog(`${tag} ${l}: ${message}${fmtMeta(meta)}`);
      return logger;
    };
  }
  return logger;
}
