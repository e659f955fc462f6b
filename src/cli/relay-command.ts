// `mesh relay`: the built-in relayer over every mesh link's recorded connection, for operators without Hermes or
// rly and for the devnet's relayer service. It also keeps the light clients fresh, so they never expire.
import { Link, Relayer, closeLink, reuseLink } from "../relay";
import { relayEndpoint } from "../deploy/connect";
import { MeshError } from "../deploy/errors";
import { positiveInt, value, ParsedArgs } from "./args";
import { CliContext } from "./context";

export async function relay(ctx: CliContext, args: ParsedArgs, stopSignal: Promise<void>): Promise<void> {
  const pollMs = positiveInt(value(args, "poll") ?? "1000", "--poll");
  const running: { link: Link; relayer: Relayer }[] = [];
  try {
    for (const l of ctx.config.mesh) {
      const lr = ctx.record.data.links[`${l.provider}->${l.consumer}`];
      if (!lr?.connection) throw new MeshError(`${l.provider} -> ${l.consumer} has no connection in ${ctx.config.deployment}: run mesh deploy (or mesh connect) first`);
      const [p, c] = [await ctx.sessions.get(l.provider), await ctx.sessions.get(l.consumer)];
      const link = await reuseLink(relayEndpoint(p.spec), relayEndpoint(c.spec), lr.connection.provider, lr.connection.consumer, { walletA: p.wallet, walletB: c.wallet })
        .catch((e: Error) => {
          throw new MeshError(
            `cannot relay over ${l.provider} ${lr.connection!.provider} <-> ${l.consumer} ${lr.connection!.consumer}: ${e.message.split("\n")[0]} ` +
              `(a reset chain or expired light clients: run mesh deploy to connect again)`,
          );
        });
      running.push({ link, relayer: new Relayer(link, { pollMs }).start() });
      ctx.log(`relaying ${l.provider} ${lr.connection.provider} <-> ${l.consumer} ${lr.connection.consumer} (poll ${pollMs}ms)`);
    }
    if (args.switches.has("once")) {
      for (const r of running) await r.relayer.nextRound();
      return;
    }
    await stopSignal;
  } finally {
    for (const r of running) {
      await r.relayer.stop();
      closeLink(r.link);
    }
  }
}
