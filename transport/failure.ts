/**
 * What kind of transport failure an upstream call ended in, from the error chain undici and Node
 * leave behind (a `fetch failed` TypeError whose cause carries a system or undici code): the
 * doctor and readiness say "host unreachable" or "TLS failure" with it instead of "unavailable".
 */
export interface TransportFailure {
  kind: 'dns' | 'refused' | 'reset' | 'timeout' | 'tls';
  /** The Node/undici/OpenSSL code, e.g. ENOTFOUND, ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT. */
  code?: string;
  /** In words, for an operator. */
  detail: string;
}

const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);
const REFUSED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const TIMEOUT = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
/** OpenSSL's certificate verdicts and Node's TLS codes. */
const TLS =
  /^(ERR_TLS_|ERR_SSL_|ERR_OSSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH)/;
const TLS_WORDS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'the certificate chain ends in a self-signed certificate this machine does not trust',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate chain is incomplete or its issuer is unknown here',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the certificate issuer is unknown here',
  CERT_HAS_EXPIRED: 'the server certificate has expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate is for another host name',
};

/** Every error in the chain: causes, and the errors of an AggregateError (several addresses tried). */
function* chain(error: unknown, depth = 0): Generator<{ code?: unknown; name?: unknown; message?: unknown }> {
  if (depth > 8 || error === null || typeof error !== 'object') return;
  yield error as { code?: unknown };
  const { cause, errors } = error as { cause?: unknown; errors?: unknown };
  if (Array.isArray(errors)) for (const inner of errors) yield* chain(inner, depth + 1);
  yield* chain(cause, depth + 1);
}

/** The transport failure behind an upstream call's error, or undefined when it was no transport failure. */
export function classifyTransportFailure(error: unknown): TransportFailure | undefined {
  for (const link of chain(error)) {
    const code = typeof link.code === 'string' ? link.code : undefined;
    const message = typeof link.message === 'string' ? link.message : '';
    if (code && DNS.has(code)) return { kind: 'dns', code, detail: `the host name does not resolve (${code})` };
    if (code && REFUSED.has(code))
      return { kind: 'refused', code, detail: `nothing accepts connections at that address (${code})` };
    if ((code && TLS.test(code)) || /certificate|ssl routines|tls/i.test(message))
      return { kind: 'tls', ...(code ? { code } : {}), detail: `TLS failed: ${(code && TLS_WORDS[code]) ?? message}` };
    if ((code && TIMEOUT.has(code)) || link.name === 'TimeoutError')
      return { kind: 'timeout', ...(code ? { code } : {}), detail: 'no answer in time' };
  }
  for (const link of chain(error)) {
    const code = typeof link.code === 'string' ? link.code : undefined;
    if (code && RESET.has(code))
      return { kind: 'reset', code, detail: `the connection was closed without an answer (${code})` };
  }
  return undefined;
}
