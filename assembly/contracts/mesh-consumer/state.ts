// mesh-consumer storage (cw-storage-plus layout; the JSON of each record is its stored form):
//   "config"                    Item<Config>
//   records:   validator        Map<StakeRecord>        the provider's stake there (shares) and the slash events sent
//   "last_sent_validator_set"   Item<ValidatorSetUpdate> the last validator_set sent and not known to have failed
//   "channel", "closing"        the live channel (shared/channel.ts)
import { Decimal, Fields, Item, JsonValue, JsonWriter, Map, Uint128, utf8 } from "../../sdk";
import { Counterparty } from "../../shared/channel";
import { ValidatorSetUpdate } from "../../shared/packets";
import { readValidatorSetUpdate, writeValidatorSetUpdate } from "../../shared/packets.codec";

export class Config {
  constructor(
    public admin: string,
    public metaStaking: string,
    public provider: Counterparty | null,
    /** local tokens per provider token */
    public rate: Decimal,
    /** haircut on converted stake, in [0, 1) */
    public discount: Decimal,
    public packetTimeoutSeconds: u64,
  ) {}
}

function encodeConfig(c: Config, w: JsonWriter): void {
  w.beginObject().key("admin").string(c.admin).key("meta_staking").string(c.metaStaking).key("provider");
  const provider = c.provider;
  if (provider != null) provider.write(w); else w.null_();
  w.key("rate").string(c.rate.toString()).key("discount").string(c.discount.toString());
  w.key("packet_timeout_seconds").u64(c.packetTimeoutSeconds).endObject();
}

export const CONFIG = new Item<Config>(
  "config",
  encodeConfig,
  (j: JsonValue): Config => {
    const p = j.get("provider")!;
    return new Config(j.get("admin")!.text, j.get("meta_staking")!.text, p.isNull() ? null : Counterparty.fromJson(p),
      Decimal.parse(j.get("rate")!.text)!, Decimal.parse(j.get("discount")!.text)!, U64.parseInt(j.get("packet_timeout_seconds")!.text));
  },
);

/**
 * Per validator: the provider's stake in slash-free units (`shares`: provider tokens ÷ meta-staking's cumulative
 * multiplier when staked; the provider's pool holds the same number) and the last slash event sent to the provider.
 * What we delegated for it is meta-staking's answer (our delegation there), not a copy that a slash would outdate.
 * A record stays (with zero shares) after a full unstake: the undelegated stake waits in a batch that a later slash
 * may still reach, and its events must still be sent.
 */
export class StakeRecord {
  constructor(public shares: Uint128, public forwarded: u64) {}
}

export const RECORDS = new Map<StakeRecord>(
  "records",
  (r: StakeRecord, w: JsonWriter): void => {
    w.beginObject().key("shares").string(r.shares.toString()).key("forwarded").u64(r.forwarded).endObject();
  },
  // 0.2.0 stored provider tokens and the local amount: no slash existed, so shares = provider tokens.
  (j: JsonValue): StakeRecord => j.get("shares") != null
    ? new StakeRecord(Uint128.parse(j.get("shares")!.text)!, U64.parseInt(j.get("forwarded")!.text))
    : new StakeRecord(Uint128.parse(j.get("provider")!.text)!, 0),
);

export function recordKey(validator: string): Uint8Array[] { return [utf8(validator)]; }

/** The last validator_set sent (validators and unbonding rules; its version is ignored when comparing). */
export const LAST_SENT = new Item<ValidatorSetUpdate>(
  "last_sent_validator_set",
  (u: ValidatorSetUpdate, w: JsonWriter): void => { writeValidatorSetUpdate(w, u); },
  (j: JsonValue): ValidatorSetUpdate => readValidatorSetUpdate(new Fields(j, "stored")),
);
