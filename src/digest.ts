/** JSON with object keys sorted and undefined members left out: equal values, equal text. */
export function stableJson(value: unknown): string {
  // Concatenation in plain loops: every derived ETag goes through it, once per answer.
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + (stableJson(value[i]) ?? '');
    return `${out}]`;
  }
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    let out = '{';
    for (const key of keys) {
      if (record[key] === undefined) continue;
      out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${stableJson(record[key])}`;
    }
    return `${out}}`;
  }
  return JSON.stringify(value);
}

/** Hex SHA-256 of a text, cut to `bytes` bytes (default all 32). Web Crypto: Node and Workers alike. */
export async function sha256Hex(text: string, bytes = 32): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest).slice(0, bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}
