// Small helpers of the IBC files: UTF-8 and SDK events.
import type { Event } from "../types";

const enc = new TextEncoder();
export const utf8 = (s: string) => enc.encode(s);
export const text = (b: Uint8Array) => Buffer.from(b).toString("utf8");

export function ev(type: string, ...attrs: [string, string][]): Event {
  return { type, attributes: attrs.map(([key, value]) => ({ key, value })) };
}
