// The builtin Map under another name: storage.ts defines its own `Map` (cw-storage-plus's name for a storage map),
// which shadows the builtin there.
export class StringIndex extends Map<string, i32> {}
