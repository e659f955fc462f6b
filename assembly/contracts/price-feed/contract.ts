// price-feed (consumer chain, docs/economics.md §1): the value of one provider token in consumer tokens, from a
// governance-set list of feeders. Each feeder's last submission counts while it is younger than max_age_seconds; the
// price is the median of the fresh ones, and only when a majority of the feeders is fresh, so one hostile or
// broken feeder can neither move the price nor keep a stale one alive. Otherwise the `price` query fails with the
// reason (mesh-consumer then refuses new stake with it).
import {
  Decimal, Env, JsonValue, MessageInfo, Order, Response, Uint128, checkDuration, fail, fromUtf8, nonpayable, onlyAdmin,
  validateAddress,
} from "../../sdk";
import { beginMigration, finishMigration, recordVersion } from "../../shared/migrate";
import { PriceQuery } from "../../shared/price";
import { createPriceResponse, encodePriceResponse } from "../../shared/price.codec";
import { invalidFeeders, notFeeder, priceStale, zeroPrice } from "./errors";
import { ConfigQuery, MAX_FEEDERS, SetFeeders, SetMaxAge, SubmitPrice, Submission, UpdateAdmin } from "./msg";
import {
  createConfigResponse, createSubmission, createSubmissionsResponse, decodeExecuteMsg, decodeInstantiateMsg, decodeMigrateMsg, decodeQueryMsg,
  encodeConfigResponse, encodeSubmissionsResponse,
} from "./msg.codec";
import { CONFIG, Config, SUBMISSIONS, StoredPrice, feederKey } from "./state";

/** 1 to MAX_FEEDERS valid, distinct addresses; false (error recorded) otherwise. */
function checkFeeders(feeders: string[]): bool {
  if (feeders.length == 0 || <u32>feeders.length > MAX_FEEDERS) {
    fail<string>(invalidFeeders("between 1 and " + MAX_FEEDERS.toString() + " are needed, got " + feeders.length.toString()));
    return false;
  }
  for (let i = 0; i < feeders.length; i++) {
    if (validateAddress(feeders[i], "feeders") == null) return false;
    if (feeders.indexOf(feeders[i]) != i) {
      fail<string>(invalidFeeders(feeders[i] + " is listed twice"));
      return false;
    }
  }
  return true;
}

export function instantiate(env: Env, info: MessageInfo, json: JsonValue): Response | null {
  const msg = decodeInstantiateMsg(json);
  if (msg == null || !nonpayable(info)) return null;
  const admin = msg.admin;
  const adminAddress = admin != null ? admin : info.sender;
  if (validateAddress(adminAddress, "admin") == null || !checkFeeders(msg.feeders)) return null;
  if (!checkDuration(msg.maxAgeSeconds, "max_age_seconds")) return null;
  CONFIG.save(new Config(adminAddress, msg.feeders, msg.maxAgeSeconds));
  recordVersion("price-feed");
  return new Response().addAttribute("action", "instantiate").addAttribute("feeders", msg.feeders.length.toString());
}

function requireAdmin(info: MessageInfo): Config | null {
  const config = CONFIG.load();
  return nonpayable(info) && onlyAdmin(info, config.admin) ? config : null;
}

export function execute(env: Env, info: MessageInfo, json: JsonValue): Response | null {
  const msg = decodeExecuteMsg(json);
  if (msg == null) return null;
  if (msg instanceof SubmitPrice) return submitPrice(env, info, (<SubmitPrice>msg).price);
  if (msg instanceof SetFeeders) return setFeeders(info, (<SetFeeders>msg).feeders);
  if (msg instanceof SetMaxAge) {
    const config = requireAdmin(info);
    const seconds = (<SetMaxAge>msg).maxAgeSeconds;
    if (config == null || !checkDuration(seconds, "max_age_seconds")) return null;
    config.maxAgeSeconds = seconds;
    CONFIG.save(config);
    return new Response().addAttribute("action", "set_max_age").addAttribute("max_age_seconds", seconds.toString());
  }
  const config = requireAdmin(info);
  const admin = (<UpdateAdmin>msg).admin;
  if (config == null || validateAddress(admin, "admin") == null) return null;
  config.admin = admin;
  CONFIG.save(config);
  return new Response().addAttribute("action", "update_admin").addAttribute("admin", admin);
}

function submitPrice(env: Env, info: MessageInfo, price: Decimal): Response | null {
  if (!nonpayable(info)) return null;
  if (!CONFIG.load().feeders.includes(info.sender)) return fail<Response>(notFeeder(info.sender));
  if (price.isZero()) return fail<Response>(zeroPrice());
  SUBMISSIONS.save(feederKey(info.sender), new StoredPrice(price, env.block.timeNanos));
  return new Response().addAttribute("action", "submit_price").addAttribute("feeder", info.sender).addAttribute("price", price.toString());
}

function setFeeders(info: MessageInfo, feeders: string[]): Response | null {
  const config = requireAdmin(info);
  if (config == null || !checkFeeders(feeders)) return null;
  for (let i = 0; i < config.feeders.length; i++) {
    if (!feeders.includes(config.feeders[i])) SUBMISSIONS.remove(feederKey(config.feeders[i]));
  }
  config.feeders = feeders;
  CONFIG.save(config);
  return new Response().addAttribute("action", "set_feeders").addAttribute("feeders", feeders.length.toString());
}

export function migrate(env: Env, json: JsonValue): Response | null {
  if (decodeMigrateMsg(json) == null) return null;
  const from = beginMigration("price-feed", ["feeders", "max_age_seconds"]);
  return from != null ? finishMigration("price-feed", from) : null;
}

// ---------------------------------------------------------------------------------------------------------------
// Queries

function isFresh(env: Env, config: Config, s: StoredPrice): bool {
  return env.block.timeNanos - s.atNanos <= config.maxAgeSeconds * 1_000_000_000;
}

/** The median of the fresh submissions (the mean of the two middle ones, rounded down, for an even count). */
function price(env: Env): string | null {
  const config = CONFIG.load();
  const fresh = new Array<StoredPrice>();
  const it = SUBMISSIONS.range([], null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) if (isFresh(env, config, e.value)) fresh.push(e.value);
  const feeders = <u32>config.feeders.length;
  if (<u32>fresh.length < feeders / 2 + 1) return fail<string>(priceStale(fresh.length, feeders, config.maxAgeSeconds));
  fresh.sort((a: StoredPrice, b: StoredPrice): i32 => (a.price.lt(b.price) ? -1 : b.price.lt(a.price) ? 1 : 0));
  const n = fresh.length;
  let median = fresh[n / 2].price;
  if (n % 2 == 0) {
    const sum = fresh[n / 2 - 1].price.atomics.checkedAdd(median.atomics);
    if (sum == null) return null;
    median = new Decimal(sum.checkedDiv(Uint128.fromU64(2))!);
  }
  let oldest = fresh[0].atNanos;
  for (let i = 1; i < n; i++) if (fresh[i].atNanos < oldest) oldest = fresh[i].atNanos;
  return encodePriceResponse(createPriceResponse(median, oldest, n));
}

export function query(env: Env, json: JsonValue): string | null {
  const msg = decodeQueryMsg(json);
  if (msg == null) return null;
  if (msg instanceof PriceQuery) return price(env);
  const config = CONFIG.load();
  if (msg instanceof ConfigQuery) return encodeConfigResponse(createConfigResponse(config.admin, config.feeders, config.maxAgeSeconds));
  const out = new Array<Submission>();
  const it = SUBMISSIONS.range([], null, false, null, Order.Ascending);
  for (let e = it.next(); e != null; e = it.next()) {
    out.push(createSubmission(fromUtf8(e.key), e.value.price, e.value.atNanos, isFresh(env, config, e.value)));
  }
  return encodeSubmissionsResponse(createSubmissionsResponse(out));
}
