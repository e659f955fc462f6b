// The Region protocol: a 12-byte little-endian {offset, capacity, length} header that host and contract use to
// pass byte buffers. Memory comes from `heap.alloc` (raw, outside the managed heap) because the host calls
// `allocate` re-entrantly from inside imports, and with the stub runtime every call starts on a fresh instance,
// so nothing needs freeing.

@unmanaged
export class Region {
  offset: u32;
  capacity: u32;
  length: u32;
}

export function allocateRegion(capacity: u32): Region {
  // offset must be non-zero even for empty data, hence the minimum of one byte.
  const data = heap.alloc(capacity > 0 ? <usize>capacity : 1);
  const region = changetype<Region>(heap.alloc(offsetof<Region>()));
  region.offset = <u32>data;
  region.capacity = capacity;
  region.length = 0;
  return region;
}

export function regionFromBytes(bytes: Uint8Array): Region {
  const region = allocateRegion(<u32>bytes.length);
  memory.copy(<usize>region.offset, bytes.dataStart, <usize>bytes.length);
  region.length = <u32>bytes.length;
  return region;
}

export function regionFromString(text: string): Region {
  const length = <u32>String.UTF8.byteLength(text, false);
  const region = allocateRegion(length);
  String.UTF8.encodeUnsafe(changetype<usize>(text), text.length, <usize>region.offset, false);
  region.length = length;
  return region;
}

/** Copies a region's contents into a managed buffer. */
export function bytesFromRegion(ptr: u32): Uint8Array {
  const region = changetype<Region>(<usize>ptr);
  const out = new Uint8Array(<i32>region.length);
  memory.copy(out.dataStart, <usize>region.offset, <usize>region.length);
  return out;
}

export function ptr(region: Region): u32 {
  return <u32>changetype<usize>(region);
}

// ABI exports: re-exported by every contract's entry file.
export function allocate(size: u32): u32 {
  return ptr(allocateRegion(size));
}

export function deallocate(pointer: u32): void {
  // Bump allocator on a per-call instance: memory is reclaimed when the instance is dropped.
}

export function interface_version_8(): void {}
