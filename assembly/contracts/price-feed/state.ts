// price-feed storage (cw-storage-plus layout):
//   "config"                Item<Config>
//   submissions: feeder     Map<Submission>   each feeder's last price and when it was submitted
import { Decimal, Item, JsonValue, JsonWriter, Map, utf8 } from "../../sdk";

export class Config {
  constructor(public admin: string, public feeders: string[], public maxAgeSeconds: u64) {}
}

export const CONFIG = new Item<Config>(
  "config",
  (c: Config, w: JsonWriter): void => {
    w.beginObject().key("admin").string(c.admin).key("feeders").beginArray();
    for (let i = 0; i < c.feeders.length; i++) w.string(c.feeders[i]);
    w.endArray().key("max_age_seconds").u64(c.maxAgeSeconds).endObject();
  },
  (j: JsonValue): Config => {
    const items = j.get("feeders")!.items;
    const feeders = new Array<string>();
    for (let i = 0; i < items.length; i++) feeders.push(items[i].text);
    return new Config(j.get("admin")!.text, feeders, U64.parseInt(j.get("max_age_seconds")!.text));
  },
);

export class StoredPrice {
  constructor(public price: Decimal, public atNanos: u64) {}
}

export const SUBMISSIONS = new Map<StoredPrice>(
  "submissions",
  (s: StoredPrice, w: JsonWriter): void => { w.beginObject().key("price").string(s.price.toString()).key("at").u64String(s.atNanos).endObject(); },
  (j: JsonValue): StoredPrice => new StoredPrice(Decimal.parse(j.get("price")!.text)!, U64.parseInt(j.get("at")!.text)),
);

export function feederKey(feeder: string): Uint8Array[] { return [utf8(feeder)]; }
