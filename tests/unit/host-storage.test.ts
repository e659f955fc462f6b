import fc from "fast-check";
import { CacheStore, KVStore, MemStore, PrefixStore, bytesToKey, keyToBytes, prefixEnd } from "../../src/host/storage";

const k = (...bytes: number[]) => bytesToKey(Uint8Array.from(bytes));
const v = (s: string) => new TextEncoder().encode(s);
const dump = (store: KVStore, start?: string, end?: string, order: "asc" | "desc" = "asc") =>
  store.range(start, end, order).map(([key, val]) => [Array.from(keyToBytes(key)), Buffer.from(val).toString()]);

describe("host storage", () => {
  test("keys order by bytes, including 0x00 and 0xff", () => {
    const s = new MemStore();
    for (const key of [k(0xff), k(0x00), k(0x61), k(0x61, 0x00), k(0x7f, 0xff), k()]) s.set(key, v("x"));
    expect(dump(s).map(([key]) => key)).toEqual([[], [0x00], [0x61], [0x61, 0x00], [0x7f, 0xff], [0xff]]);
  });

  test("a cache layer merges with its parent: overrides, tombstones, new keys, both orders", () => {
    const root = new MemStore();
    for (const c of "abcde") root.set(c, v(c + "0"));
    const tx = root.branch();
    tx.delete("b");
    tx.set("c", v("c1"));
    tx.set("bb", v("bb1"));
    tx.set("f", v("f1"));
    tx.delete("zz"); // deleting a missing key is harmless
    expect(dump(tx)).toEqual([[[97], "a0"], [[98, 98], "bb1"], [[99], "c1"], [[100], "d0"], [[101], "e0"], [[102], "f1"]]);
    expect(dump(tx, "b", "e", "desc")).toEqual([[[100], "d0"], [[99], "c1"], [[98, 98], "bb1"]]);
    expect(tx.get("b")).toBeUndefined();
    expect(root.get("b")).toEqual(v("b0")); // parent untouched until commit
    // a second layer on top of the uncommitted one
    const sub = tx.branch();
    sub.delete("bb");
    sub.set("b", v("b2"));
    expect(dump(sub, undefined, "d")).toEqual([[[97], "a0"], [[98], "b2"], [[99], "c1"]]);
    sub.commit();
    tx.commit();
    expect(dump(root)).toEqual([[[97], "a0"], [[98], "b2"], [[99], "c1"], [[100], "d0"], [[101], "e0"], [[102], "f1"]]);
  });

  test("dropping a layer discards it; a committed layer cannot be written again", () => {
    const root = new MemStore();
    const a = root.branch();
    a.set("x", v("1"));
    // dropped: never committed
    expect(root.get("x")).toBeUndefined();
    const b = root.branch();
    b.set("y", v("2"));
    b.commit();
    expect(root.get("y")).toEqual(v("2"));
    expect(() => b.set("z", v("3"))).toThrow(/already committed/);
  });

  test("empty or inverted ranges are empty; start inclusive, end exclusive", () => {
    const s = new MemStore();
    for (const c of "abc") s.set(c, v(c));
    expect(dump(s, "b", "b")).toEqual([]);
    expect(dump(s, "c", "a")).toEqual([]);
    expect(dump(s, "b", "c")).toEqual([[[98], "b"]]);
    expect(dump(s, "", "b")).toEqual([[[97], "a"]]);
  });

  test("prefix store scopes keys and computes the prefix end across 0xff", () => {
    expect(prefixEnd(k(1, 0xff))).toBe(k(2));
    expect(prefixEnd(k(0xff, 0xff))).toBeUndefined();
    const root = new MemStore();
    root.set(k(1, 0xff, 0x61), v("in"));
    root.set(k(1, 0xff), v("in-empty-key"));
    root.set(k(2), v("out"));
    root.set(k(1, 0xfe, 0xff), v("out2"));
    const p = new PrefixStore(root, k(1, 0xff));
    expect(dump(p)).toEqual([[[], "in-empty-key"], [[0x61], "in"]]);
    expect(dump(p, undefined, undefined, "desc")).toEqual([[[0x61], "in"], [[], "in-empty-key"]]);
    p.set(k(0x62), v("new"));
    expect(root.get(k(1, 0xff, 0x62))).toEqual(v("new"));
  });

  test("property: layered stores behave like a reference model (get and range, both orders)", () => {
    const keyArb = fc.array(fc.constantFrom(0x00, 0x01, 0x61, 0x62, 0x7f, 0xff), { maxLength: 3 }).map((a) => k(...a));
    const opArb = fc.oneof(
      fc.record({ t: fc.constant("set" as const), key: keyArb, val: fc.string({ maxLength: 3 }) }),
      fc.record({ t: fc.constant("del" as const), key: keyArb }),
      fc.record({ t: fc.constant("branch" as const) }),
      fc.record({ t: fc.constant("commit" as const) }),
      fc.record({ t: fc.constant("drop" as const) }),
      fc.record({
        t: fc.constant("range" as const),
        start: fc.option(keyArb, { nil: undefined }),
        end: fc.option(keyArb, { nil: undefined }),
        desc: fc.boolean(),
      }),
    );
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const root = new MemStore();
        const stack: CacheStore[] = [];
        const models: Map<string, string>[] = [new Map()];
        const top = (): KVStore => (stack.length ? stack[stack.length - 1] : root);
        for (const op of ops) {
          const model = models[models.length - 1];
          switch (op.t) {
            case "set":
              top().set(op.key, v(op.val));
              model.set(op.key, op.val);
              break;
            case "del":
              top().delete(op.key);
              model.delete(op.key);
              break;
            case "branch":
              stack.push(stack.length ? stack[stack.length - 1].branch() : root.branch());
              models.push(new Map(model));
              break;
            case "commit":
              if (stack.length) {
                stack.pop()!.commit();
                const m = models.pop()!;
                models[models.length - 1] = m;
              }
              break;
            case "drop":
              if (stack.length) {
                stack.pop();
                models.pop();
              }
              break;
            case "range": {
              const expected = [...model.entries()]
                .filter(([key]) => (op.start === undefined || key >= op.start) && (op.end === undefined || key < op.end))
                .sort(([a], [b]) => Buffer.compare(Buffer.from(a, "latin1"), Buffer.from(b, "latin1")))
                .map(([key, val]) => [key, val]);
              if (op.desc) expected.reverse();
              const got = top()
                .range(op.start, op.end, op.desc ? "desc" : "asc")
                .map(([key, val]) => [key, Buffer.from(val).toString()]);
              expect(got).toEqual(expected);
              break;
            }
          }
          const current = models[models.length - 1];
          for (const [key, val] of current) expect(Buffer.from(top().get(key)!).toString()).toBe(val);
        }
      }),
      { numRuns: 300 },
    );
  });
});
