// `mesh dashboard`: serves the dashboard (src/dashboard) for the configured mesh until stopped.
import { collectDashboard, collectUser, traceOperation, whatIfSlash, whatIfUnstake } from "../dashboard/collect";
import { readRecord } from "../deploy/record";
import { startDashboard } from "../dashboard/server";
import { positiveInt, value, ParsedArgs } from "./args";
import { CliContext } from "./context";

export async function dashboard(ctx: CliContext, args: ParsedArgs, stopSignal: Promise<void>): Promise<void> {
  const port = Number(value(args, "port") ?? "8080");
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got "${value(args, "port")}"`);
  const refreshMs = positiveInt(value(args, "refresh") ?? "3000", "--refresh");
  const file = ctx.record.file;
  // Beside the deployment record by default, so the plots go on where they stopped after a restart.
  const historyFile = value(args, "history-file") ?? (file ? file.replace(/(\.json)?$/, ".history.json") : undefined);
  // Read again on each refresh: a deploy running beside the dashboard shows up.
  const current = () => (file ? readRecord(file) : ctx.record.data);
  const server = await startDashboard({
    state: () => collectDashboard(ctx.config, ctx.sessions, current()),
    user: (address) => collectUser(ctx.config, ctx.sessions, current(), address),
    trace: (provider, consumer, tx) => traceOperation(ctx.sessions, current(), provider, consumer, tx),
    whatIf: (provider, consumer, validator, fraction, sinceBatch) => whatIfSlash(ctx.sessions, current(), provider, consumer, validator, fraction, sinceBatch),
    whatIfUnstake: (provider, consumer, owner, validator, amount) => whatIfUnstake(ctx.sessions, current(), provider, consumer, owner, validator, amount),
  }, { port, host: value(args, "host") ?? "127.0.0.1", refreshMs, historyFile });
  ctx.log(`dashboard: ${server.url} (state read at most every ${refreshMs} ms; /metrics for Prometheus; `
    + `${historyFile ? `history kept in ${historyFile}` : "history in memory only"}; Ctrl-C stops)`);
  await stopSignal;
  await server.close();
}
