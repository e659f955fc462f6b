// Compiles WebAssembly text to binary with wabt (wat2wasm as a library). Results are cached per text.

import wabtInit from "wabt";

type Wabt = Awaited<ReturnType<typeof wabtInit>>;
let wabt: Promise<Wabt> | undefined;
const cache = new Map<string, Uint8Array>();

export async function compileWat(text: string, name = "fixture.wat"): Promise<Uint8Array> {
  const hit = cache.get(text);
  if (hit) return hit;
  wabt ??= wabtInit();
  const w = await wabt;
  const mod = w.parseWat(name, text, { mutable_globals: true, sign_extension: true });
  try {
    mod.resolveNames();
    mod.validate();
    const { buffer } = mod.toBinary({ log: false, write_debug_names: false });
    const bytes = new Uint8Array(buffer);
    cache.set(text, bytes);
    return bytes;
  } finally {
    mod.destroy();
  }
}
