import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { GatewayError } from '../../adapters/errors.js';
import type { GatewayEnv } from '../context.js';

export const MAX_BODY_BYTES = 64 * 1024;
const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
/**
 * The methods whose body the gateway reads; a DELETE only when it sends one (DELETE /v1/me: the
 * current password), or says it is JSON: an empty one then reads as `{}` (below), so the route's
 * schema names what is missing instead of answering "malformed JSON".
 */
const carriesBody = (c: Context) =>
  BODY_METHODS.has(c.req.method) ||
  (c.req.method === 'DELETE' &&
    (c.req.header('transfer-encoding') !== undefined ||
      /^[1-9]\d*$/.test(c.req.header('content-length') ?? '') ||
      JSON_TYPE.test(c.req.header('content-type') ?? '')));

const tooLarge = () => {
  throw new GatewayError('payload_too_large', `the request body is larger than ${MAX_BODY_BYTES / 1024} KiB`);
};
const bodyLimited = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: tooLarge });
const DECIMAL = /^\d+$/;

/**
 * 413 for bodies over 64 KiB. A body framed by Content-Length (and no Transfer-Encoding) cannot
 * be longer than it says (Node's parser and the Workers runtime cut it there), so the header
 * decides and the body is left for the handler to read in one go; a chunked body is counted as
 * it streams in (hono's bodyLimit). Only for the methods whose body the gateway reads: asking
 * for a body makes @hono/node-server build a full Request (and a stream) — for a GET nothing
 * would read it, and for a write it is the slow way to the same bytes.
 */
export const limitBody: MiddlewareHandler<GatewayEnv> = (c, next) => {
  if (!carriesBody(c)) return next();
  const length = c.req.header('content-length');
  if (length !== undefined && DECIMAL.test(length) && c.req.header('transfer-encoding') === undefined) {
    return Number(length) > MAX_BODY_BYTES ? tooLarge() : next();
  }
  return bodyLimited(c, next);
};

/**
 * `__proto__` is a valid JSON key that object spreads and schema parsers silently drop (or worse,
 * treat as the prototype): refuse it rather than lose what the caller sent. Iterative, because a
 * body may nest thousands deep (the schemas refuse that, with a better message).
 */
function hasProtoKey(root: unknown): boolean {
  const stack = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== 'object') continue;
    if (Object.hasOwn(value, '__proto__')) return true;
    stack.push(...Object.values(value));
  }
  return false;
}

/** JSON is UTF-8 (RFC 8259 §8.1): a charset parameter, if any, must say so (or US-ASCII, a subset). */
const UTF8_CHARSET = /^(?!.*;\s*charset\s*=)|;\s*charset\s*=\s*"?(utf-?8|us-ascii)"?\s*(;|$)/i;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The body as text, refused (400) when it is not UTF-8: decoding leniently would store U+FFFD in
 * place of what the caller sent. Later readers (the Idempotency-Key fingerprint) get the same text.
 */
async function utf8Text(c: Context<GatewayEnv>): Promise<string> {
  let text: string;
  try {
    text = strictUtf8.decode(await c.req.arrayBuffer());
  } catch {
    throw new GatewayError('validation_failed', 'the request body is not valid UTF-8', {
      errors: [{ path: 'body', message: 'not UTF-8' }],
    });
  }
  c.req.text = () => Promise.resolve(text);
  return text;
}

/**
 * Writes must send JSON: 415 for another content type, 400 for a body that does not parse.
 * Parsing here (Hono caches it) lets the schema validators that follow see a clean object. Not
 * async itself: a read passes straight on (an async middleware costs every GET a promise of its
 * own and the ticks to resolve it with next()'s).
 */
export const requireJsonBody: MiddlewareHandler<GatewayEnv> = (c, next) =>
  carriesBody(c) ? parseJsonBody(c, next) : next();

const parseJsonBody: MiddlewareHandler<GatewayEnv> = async (c, next) => {
  const type = c.req.header('content-type') ?? '';
  // A POST without a body and without a Content-Type (`curl -X POST …/redeliver`) is an empty
  // object to the schemas: optional-only bodies pass, required fields are named in a 400. Only an
  // empty body: one that has bytes still needs a JSON type (read first, because on Workers a
  // chunked body has neither Content-Length nor Transfer-Encoding to tell).
  if (type === '' && (await utf8Text(c)) === '') return next();
  if (JSON_TYPE.test(type) && !UTF8_CHARSET.test(type)) {
    throw new GatewayError('unsupported_media_type', 'JSON is UTF-8: send charset=utf-8 or no charset', {
      errors: [{ path: 'header.content-type', message: 'charset must be utf-8' }],
    });
  }
  if (!JSON_TYPE.test(type)) {
    throw new GatewayError(
      'unsupported_media_type',
      `send the body as application/json (got ${type ? JSON.stringify(type.slice(0, 80)) : 'no Content-Type'})`,
      {
        errors: [{ path: 'header.content-type', message: 'must be application/json' }],
      },
    );
  }
  const text = await utf8Text(c);
  let body: unknown;
  try {
    // No body at all reads as `{}` with a JSON type too (`curl -H 'content-type: application/json' -X POST`).
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new GatewayError('validation_failed', 'the request body is not valid JSON', {
      errors: [{ path: 'body', message: 'malformed JSON' }],
    });
  }
  if (hasProtoKey(body)) {
    throw new GatewayError('validation_failed', 'the body uses the reserved key "__proto__"', {
      errors: [{ path: 'body', message: '"__proto__" is not allowed as a key' }],
    });
  }
  // The schema validator that follows asks for c.req.json(), which Hono answers by parsing the
  // text again: hand it this parse instead.
  c.req.json = (() => Promise.resolve(body)) as typeof c.req.json;
  // Debug aid; the logger redacts passwords and other secrets before anything is written.
  c.get('log').debug({ body }, 'request body');
  return next();
};
