// The dashboard page: renders /api/state every few seconds and /api/user for the address entered. Plain DOM, no
// framework and no network beyond this server (works offline). Every value shown is what a chain query answered.
const $ = (id) => document.getElementById(id);
const esc = (v) => String(v ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const short = (a) => (a && a.length > 20 ? `${a.slice(0, 12)}…${a.slice(-6)}` : a ?? "");
const table = (head, rows, testid) =>
  `<table data-testid="${testid}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${
    rows.length ? rows.map((r) => `<tr>${r.join("")}</tr>`).join("") : `<tr><td class="muted" colspan="${head.length}">none</td></tr>`
  }</tbody></table>`;
const td = (v, cls = "") => `<td class="${cls}">${v}</td>`;
const num = (v) => td(esc(v), "num");

/** "in 1 h 3 min" / "3 min ago", from a time in ms. */
function relative(ms, now) {
  const s = Math.round((ms - now) / 1000);
  const a = Math.abs(s);
  const text = a < 90 ? `${a} s` : a < 5400 ? `${Math.round(a / 60)} min` : a < 172800 ? `${(a / 3600).toFixed(1)} h` : `${(a / 86400).toFixed(1)} d`;
  return s >= 0 ? `in ${text}` : `${text} ago`;
}
const time = (ms) => new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");

function chains(state) {
  return table(["chain", "height", "rpc", "state"], state.chains.map((c) => [
    td(esc(c.chainId)), num(c.height ?? "-"), td(`<code>${esc(c.rpc)}</code>`),
    td(c.reachable ? `<span class="ok">up</span>` : `<span class="bad">down</span> ${esc(c.error)}`),
  ]), "chains");
}

function links(state) {
  return state.links.map((l) => {
    const channel = l.channel ? `${esc(l.channel.provider)} / ${esc(l.channel.consumer)} <span class="${l.channel.state === "open" ? "ok" : "bad"}">${esc(l.channel.state)}</span>` : `<span class="bad">not open</span>`;
    const clients = l.lightClients.map((c) => {
      const left = c.expiresAtMs - state.generatedAtMs;
      const cls = left < 0 ? "bad" : left < c.trustingPeriodSeconds * 1000 / 3 ? "warn" : "ok";
      return `${esc(c.chain)} ${esc(c.clientId)}: <span class="${cls}" data-testid="client-expiry">expires ${relative(c.expiresAtMs, state.generatedAtMs)}</span> (updated ${relative(c.latestUpdateMs, state.generatedAtMs)})`;
    }).join("<br>");
    const e = l.economics;
    const econ = !e ? "-" : e.price === null ? `<span class="bad">no price</span>: ${esc(e.priceError)}`
      : `price ${esc(e.price)}${e.priceUpdatedAt !== "0" ? ` (fed ${relative(Number(BigInt(e.priceUpdatedAt) / 1000000n), state.generatedAtMs)})` : " (fixed rate)"}, factor ${esc(e.factor)}, cap ${esc(e.cap ?? "none")}, local share ${
        Number(e.local) + Number(e.remote) > 0 ? ((100 * Number(e.local)) / (Number(e.local) + Number(e.remote))).toFixed(1) + " %" : "-"}${Number(e.minLocalShare) > 0 ? ` (min ${(100 * Number(e.minLocalShare)).toFixed(1)} %)` : ""}`;
    const rows = [
      ["channel", channel],
      ["light clients", clients || "-"],
      ["packets in flight", l.pendingPackets ? `${l.pendingPackets.toConsumer} to ${esc(l.consumer)}, ${l.pendingPackets.toProvider} to ${esc(l.provider)}` : "-"],
      ["validator set", l.validators ? `${l.validators.knownByProvider} known by the provider, ${l.validators.consumerBonded} bonded${l.validators.inSync ? ` <span class="ok">in sync</span>` : ` <span class="warn">out of sync</span>`}` : "-"],
      ["delegated", l.allowance !== undefined ? `<span data-testid="delegated">${esc(l.consumerDelegated)}</span> of an allowance of ${esc(l.allowance)}` : "-"],
      ["economics", econ],
    ];
    if (l.solvency) {
      rows.push(["solvency", l.solvency.checks.map((c) => `<span class="${c.ok ? "ok" : "bad"}" data-testid="solvency-check">${c.ok ? "✓" : "✗"} ${esc(c.name)}</span>: ${esc(c.detail)}`).join("<br>")
        + (l.solvency.settled ? "" : `<br><span class="warn">packets or slashes in flight: the books agree once they settle</span>`)]);
    }
    if (l.error) rows.push(["error", `<span class="bad">${esc(l.error)}</span>`]);
    return `<h3>${esc(l.provider)} → ${esc(l.consumer)}</h3>` + table(["", ""], rows.map(([k, v]) => [td(esc(k)), td(v)]), `link-${l.provider}-${l.consumer}`);
  }).join("");
}

function validators(state) {
  return state.links.map((l) => {
    const set = l.validatorSet ?? [];
    const max = Math.max(1, ...set.map((v) => Number(v.remoteStake)));
    const bar = (v) => `<svg width="120" height="10" aria-hidden="true"><rect class="bar" width="${Math.round((120 * Number(v)) / max)}" height="10"/></svg>`;
    return `<h3>${esc(l.consumer)} (for ${esc(l.provider)})</h3>` + table(["validator", "status", "remote stake", "", "in x/staking", "slashes"], set.map((v) => [
      td(`${esc(v.moniker)} <code>${esc(short(v.validator))}</code>`),
      td(v.jailed ? `<span class="bad">jailed</span>` : v.status === "bonded" ? `<span class="ok">bonded</span>` : esc(v.status)),
      num(v.remoteStake), td(bar(v.remoteStake)), num(v.onChain), num(v.slashSeq ? `${v.slashSeq} (×${v.cumulative})` : "0"),
    ]), `validators-${l.consumer}`);
  }).join("");
}

function slashes(state) {
  const rows = state.links.flatMap((l) => l.slashes.map((s) => [
    td(time(s.timeMs)), td(`${esc(l.consumer)} <code>${esc(short(s.validator))}</code>`), num(`${(Number(s.fraction) * 100).toFixed(2)} %`),
    td(`${s.jailed ? "jailed" : ""}${s.unbonding ? " unbonding entry" : ""}`),
    td(`observed at ${esc(l.consumer)} height ${s.height} → ${s.appliedByProvider ? `<span class="ok">applied on ${esc(l.provider)}</span>` : `<span class="warn">not yet applied on ${esc(l.provider)}</span>`}`),
  ]));
  return table(["when", "validator", "fraction", "", "evidence → provider"], rows, "slashes");
}

function rewards(state) {
  return state.links.map((l) => {
    const r = l.rewards;
    if (!r) return "";
    return `<h3>${esc(l.consumer)} → ${esc(l.provider)}</h3>`
      + table(["consumer denom", "claimed", "commission", "delivered"], r.consumer.map((t) => [td(esc(t.denom)), num(t.claimed), num(t.commission), num(t.delivered)]), `rewards-consumer-${l.consumer}`)
      + table(["provider denom", "received", "paid to stakers"], r.provider.map((t) => [td(`<code>${esc(short(t.denom))}</code>`), num(t.received), num(t.paid)]), `rewards-provider-${l.provider}`);
  }).join("");
}

function failures(state) {
  const rows = state.links.flatMap((l) => l.failures.map((f) => [
    num(f.height), td(`${esc(l.provider)} → ${esc(l.consumer)}`), td(esc(f.action)), num(f.txId), td(`<code>${esc(short(f.owner))}</code>`),
    td(`<code>${esc(short(f.validator))}</code>`), td(`<span class="bad">${esc(f.reason)}</span>`),
  ]));
  return table(["height", "link", "operation", "tx", "owner", "validator", "reason"], rows, "failures");
}

/** One SVG line per series of `key` in the history points, 0 at the bottom; a legend with each series' last value. */
function plot(points, key, title, format) {
  const names = [...new Set(points.flatMap((p) => Object.keys(p[key])))];
  if (points.length < 2 || names.length === 0) return `<p class="muted">${esc(title)}: collecting (one point per read)</p>`;
  const [w, h] = [460, 110];
  const t0 = points[0].atMs, t1 = points[points.length - 1].atMs;
  const max = Math.max(1e-9, ...points.flatMap((p) => Object.values(p[key])));
  const colors = ["#3b6fd6", "#d6543b", "#2a9d5c", "#9b59b6", "#c9a227"];
  const lines = names.map((n, i) => {
    const xy = points.filter((p) => n in p[key]).map((p) => `${(((p.atMs - t0) / Math.max(1, t1 - t0)) * w).toFixed(1)},${(h - (p[key][n] / max) * h).toFixed(1)}`);
    return `<polyline fill="none" stroke="${colors[i % colors.length]}" stroke-width="2" points="${xy.join(" ")}"/>`;
  }).join("");
  const legend = names.map((n, i) => {
    const last = [...points].reverse().find((p) => n in p[key]);
    return `<span style="color:${colors[i % colors.length]}">■</span> ${esc(n)} ${last ? format(last[key][n]) : ""}`;
  }).join(" &nbsp; ");
  return `<div><strong>${esc(title)}</strong> <span class="muted">(${Math.round((t1 - t0) / 1000)} s)</span><br><svg data-testid="plot-${key}" width="${w}" height="${h}" style="background:#fafbfc">${lines}</svg><br>${legend}</div>`;
}

function user(u, now) {
  const accounts = table(["chain", "bonded", "free", "largest claim", "pending slash", "claims"], u.accounts.map((a) => [
    td(esc(a.chain)), num(a.account.bonded), num(a.account.free), num(a.account.max_claim), num(a.account.pending_slash),
    td(a.account.claims.map((c) => `${esc(c.amount)} → <code>${esc(short(c.lienholder))}</code>`).join("<br>") || "-"),
  ]), "user-accounts");
  const links = u.links.map((l) => `<h3>${esc(l.provider)} → ${esc(l.consumer)}</h3>`
    + table(["validator", "staked", "in flight", "unsettled slash"], l.stakes.map((s) => [
      td(`<code>${esc(short(s.validator))}</code>`), num(s.staked), num(`+${s.pending_stake} / −${s.pending_unstake}`), num(s.unsettled_slash),
    ]), "user-stakes")
    + table(["unbonding", "amount", "released"], [...l.unbonding, ...l.fromClosedChannels].map((e) => {
      const at = Number(BigInt(e.release_at) / 1000000n);
      return [td(`<code>${esc(short(e.validator))}</code>`), num(e.amount), td(`<span data-testid="release-at">${time(at)}</span> (${relative(at, now)})`)];
    }), "user-unbonding")
    + table(["reward", "amount"], l.rewards.map((r) => [td(`<code>${esc(short(r.denom))}</code> on <code>${esc(short(r.validator))}</code>`), num(r.amount)]), "user-rewards")).join("");
  return accounts + links;
}

async function getJson(url) {
  const res = await fetch(url, { cache: "no-store" });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error ?? res.statusText);
  return body;
}

let address = new URLSearchParams(location.search).get("address") ?? "";

async function refresh() {
  try {
    const state = await getJson("/api/state");
    $("chains").innerHTML = chains(state);
    $("links").innerHTML = links(state);
    $("validators").innerHTML = validators(state);
    $("slashes").innerHTML = slashes(state);
    $("rewards").innerHTML = rewards(state);
    $("failures").innerHTML = failures(state);
    const history = await getJson("/api/history");
    $("history").innerHTML = plot(history, "localShare", "local share of bonded stake", (v) => `${(100 * v).toFixed(2)} %`)
      + plot(history, "delegated", "remote delegation per link", (v) => String(v));
    const options = state.links.map((l) => `${l.provider}->${l.consumer}`);
    for (const id of ["trace-link", "whatif-link"]) {
      if ($(id).options.length !== options.length) $(id).innerHTML = options.map((o) => `<option>${esc(o)}</option>`).join("");
    }
    const chosen = state.links.find((l) => `${l.provider}->${l.consumer}` === $("whatif-link").value);
    const validatorsOf = (chosen?.validatorSet ?? []).map((v) => v.validator);
    if ([...$("whatif-validator").options].map((o) => o.value).join() !== validatorsOf.join()) {
      $("whatif-validator").innerHTML = (chosen?.validatorSet ?? []).map((v) => `<option value="${esc(v.validator)}">${esc(v.moniker)} ${esc(short(v.validator))}</option>`).join("");
    }
    if (address) $("user").innerHTML = user(await getJson(`/api/user?address=${encodeURIComponent(address)}`), state.generatedAtMs);
    $("updated").textContent = `read ${time(state.generatedAtMs)}`;
    $("error").hidden = true;
  } catch (e) {
    $("error").textContent = e.message;
    $("error").hidden = false;
  }
}

$("trace-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const [provider, consumer] = $("trace-link").value.split("->");
  try {
    const steps = await getJson(`/api/trace?provider=${encodeURIComponent(provider)}&consumer=${encodeURIComponent(consumer)}&tx=${encodeURIComponent($("trace-tx").value.trim())}`);
    $("trace").innerHTML = table(["chain", "height", "step"], steps.map((s) => [td(esc(s.chain)), num(s.height), td(esc(s.step))]), "trace");
  } catch (e) {
    $("trace").innerHTML = `<span class="bad">${esc(e.message)}</span>`;
  }
});

$("whatif-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const [provider, consumer] = $("whatif-link").value.split("->");
  const q = new URLSearchParams({ provider, consumer, validator: $("whatif-validator").value, fraction: $("whatif-fraction").value.trim() });
  const since = $("whatif-since").value.trim();
  if (since !== "") q.set("since_batch", since);
  try {
    const w = await getJson(`/api/whatif?${q}`);
    const reached = w.fromBatch === w.openBatch ? `its queue (batch ${w.openBatch})` : `batches ${w.fromBatch}–${w.openBatch} (${w.openBatch} is its queue; the older ones lose it when their entries mature)`;
    $("whatif").innerHTML = `<p data-testid="whatif-reach">reaches stake bonded to the validator and unbonding in ${esc(reached)}</p>` +
      table(["owner", "stake", "unbonding reached", "loss", "collateral", "claims"], w.owners.map((o) => [
      td(`<code>${esc(short(o.owner))}</code>`), num(o.stake),
      td(o.unbonding.map((e) => `${esc(e.amount)} (batch ${esc(String(e.batch))})`).join("<br>") || "0"),
      num(o.loss), num(`${o.bondedBefore} → ${o.bondedAfter}`),
      td(o.claims.map((c) => `<code>${esc(short(c.lienholder))}</code> ${esc(c.before)} → ${c.after !== c.before ? `<span class="warn">${esc(c.after)}</span>` : esc(c.after)}`).join("<br>")),
    ]), "whatif-owners") + table(["other lienholder", "unstakes (cascade)"], w.cascade.map((c) => [td(`<code>${esc(short(c.lienholder))}</code>`), num(c.unstaked)]), "whatif-cascade");
  } catch (e) {
    $("whatif").innerHTML = `<span class="bad">${esc(e.message)}</span>`;
  }
});

$("unstake-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const [provider, consumer] = $("whatif-link").value.split("->");
  const q = new URLSearchParams({ provider, consumer, owner: address, validator: $("whatif-validator").value, amount: $("unstake-amount").value.trim() });
  try {
    if (!address) throw new Error("show an account first");
    const w = await getJson(`/api/whatif-unstake?${q}`);
    const [t1, t2] = [Number(BigInt(w.earliestReleaseAt) / 1000000n), Number(BigInt(w.latestReleaseAt) / 1000000n)];
    $("unstake").innerHTML = `<p data-testid="unstake-prediction">returns ${esc(w.amount)}, released between ${time(t1)} and ${time(t2)}; then ${esc(w.freeAfterRelease)} of the collateral is free</p>`;
  } catch (e) {
    $("unstake").innerHTML = `<span class="bad">${esc(e.message)}</span>`;
  }
});

$("address").value = address;
$("user-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  address = $("address").value.trim();
  history.replaceState(null, "", address ? `?address=${encodeURIComponent(address)}` : location.pathname);
  refresh();
});
refresh();
setInterval(refresh, 3000);
