/**
 * JSON with object keys sorted and undefined members left out: equal values, equal text.
 * `omitKey`: a member of the top-level object left out as if it were undefined.
 */
export function stableJson(value: unknown, omitKey?: string): string {
  // Concatenation in plain loops: every derived ETag goes through it, once per answer.
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + (stableJson(value[i]) ?? '');
    return `${out}]`;
  }
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    let out = '{';
    for (const key of sortedKeys(record)) {
      if (record[key] === undefined || key === omitKey) continue;
      out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${stableJson(record[key])}`;
    }
    return `${out}}`;
  }
  return JSON.stringify(value);
}

/**
 * Own keys in code-unit order (Array#sort's default). A few keys are sorted in place by
 * insertion: Array#sort's work array was the largest allocation of a derived ETag. Longer lists
 * (a client's JSON body, for idempotency records) keep Array#sort, which is not quadratic.
 */
function sortedKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record);
  if (keys.length > 24) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    for (; j >= 0 && keys[j]! > key; j--) keys[j + 1] = keys[j]!;
    keys[j + 1] = key;
  }
  return keys;
}

/** Hex SHA-256 of a text, cut to `bytes` bytes (default all 32). Web Crypto: Node and Workers alike. */
export async function sha256Hex(text: string, bytes = 32): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest).slice(0, bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}
