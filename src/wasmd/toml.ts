/**
 * Minimal, comment-preserving edits of the flat TOML files wasmd writes (config.toml, app.toml,
 * client.toml): set `key = value` inside a `[section]` ("" = top level). Values are TOML literals.
 */
export type TomlValue = string | number | boolean | string[];

export function tomlLiteral(v: TomlValue): string {
  if (Array.isArray(v)) return `[${v.map((s) => JSON.stringify(s)).join(", ")}]`;
  if (typeof v === "string") return JSON.stringify(v);
  return String(v);
}

/** Set (or add) `key` in `section`; throws when the section does not exist. */
export function setTomlKey(text: string, section: string, key: string, value: TomlValue): string {
  const lines = text.split("\n");
  const header = /^\s*\[([^\]]+)\]\s*(#.*)?$/;
  const keyRe = new RegExp(`^\\s*${key.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&")}\\s*=`);
  let current = "";
  let sectionStart = section === "" ? 0 : -1;
  let sectionEnd = -1;
  for (let i = 0; i < lines.length; i++) {
    const h = header.exec(lines[i]);
    if (h) {
      if (current === section && sectionStart >= 0 && sectionEnd < 0) sectionEnd = i;
      current = h[1].trim();
      if (current === section) sectionStart = i + 1;
      continue;
    }
    if (current === section && keyRe.test(lines[i])) {
      lines[i] = `${key} = ${tomlLiteral(value)}`;
      return lines.join("\n");
    }
  }
  if (sectionStart < 0) throw new Error(`TOML section [${section}] not found (setting ${key})`);
  if (sectionEnd < 0) sectionEnd = current === section ? lines.length : sectionStart;
  lines.splice(sectionEnd, 0, `${key} = ${tomlLiteral(value)}`);
  return lines.join("\n");
}

export function setTomlKeys(text: string, settings: Record<string, Record<string, TomlValue>>): string {
  for (const [section, kv] of Object.entries(settings)) {
    for (const [k, v] of Object.entries(kv)) text = setTomlKey(text, section, k, v);
  }
  return text;
}
