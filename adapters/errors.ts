/** Canonical error codes and the HTTP status each one answers with (the table in README, *API overview*). */
export const ERROR_STATUS = {
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rejected: 422,
  idempotency_key_reused: 422,
  rate_limited: 429,
  internal: 500,
  not_supported: 501,
  upstream_auth_failed: 502,
  upstream_error: 502,
  upstream_contract_violation: 502,
  upstream_unavailable: 503,
  upstream_timeout: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ERROR_TITLE: Record<ErrorCode, string> = {
  validation_failed: 'Validation failed',
  unauthorized: 'Unauthorized',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  conflict: 'Conflict',
  precondition_failed: 'Precondition failed',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  rejected: 'Rejected by the backend',
  idempotency_key_reused: 'Idempotency-Key reused for another request',
  rate_limited: 'Rate limited',
  internal: 'Internal error',
  not_supported: 'Not supported by this backend',
  upstream_auth_failed: 'Upstream rejected our credentials',
  upstream_error: 'Upstream error',
  upstream_contract_violation: 'Upstream answered outside its documented contract',
  upstream_unavailable: 'Upstream unavailable',
  upstream_timeout: 'Upstream timeout',
};

export interface FieldError {
  /** JSON-pointer-like dotted path into the request, e.g. `addresses.0.postalCode` or `query.limit`. */
  path: string;
  message: string;
}

export interface GatewayErrorOptions {
  errors?: FieldError[];
  /** What the upstream said, without its body: status and its own error code/type. */
  upstream?: { status?: number; code?: string };
  /** Seconds, passed on as `Retry-After`. */
  retryAfter?: number;
  /** What a multi-step write had created before it failed (e.g. the customer of a create with addresses). */
  created?: Record<string, unknown>;
  cause?: unknown;
}

/** The one error type adapters and routes throw; the error middleware shapes it into a problem. */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly errors?: FieldError[];
  readonly upstream?: { status?: number; code?: string };
  readonly retryAfter?: number;
  readonly created?: Record<string, unknown>;

  constructor(code: ErrorCode, detail: string, options: GatewayErrorOptions = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.errors = options.errors;
    this.upstream = options.upstream;
    this.retryAfter = options.retryAfter;
    this.created = options.created;
  }
}

export const isGatewayError = (e: unknown): e is GatewayError => e instanceof GatewayError;
/** The platform (or the gateway) has no such customer or address. */
export const isNotFound = (e: unknown): e is GatewayError => isGatewayError(e) && e.code === 'not_found';

const WRONG_CURRENT_PASSWORD: FieldError = { path: 'currentPassword', message: 'does not match' };

/**
 * The current password sent with a change is not the customer's: what every adapter answers, and
 * the one answer `PUT /v1/me/password` counts as a guess towards the failed-login lockout.
 */
export const wrongCurrentPassword = (detail: string, upstream?: GatewayErrorOptions['upstream']): GatewayError =>
  new GatewayError('validation_failed', detail, {
    ...(upstream ? { upstream } : {}),
    errors: [{ ...WRONG_CURRENT_PASSWORD }],
  });

export const isWrongCurrentPassword = (e: unknown): boolean =>
  isGatewayError(e) &&
  e.code === 'validation_failed' &&
  (e.errors?.some((f) => f.path === WRONG_CURRENT_PASSWORD.path && f.message === WRONG_CURRENT_PASSWORD.message) ??
    false);

/** The backend did not answer within the call's (or the caller's) time. */
export const upstreamTimeout = (backend: string, cause?: unknown): GatewayError =>
  new GatewayError('upstream_timeout', `${backend} did not answer in time`, cause === undefined ? {} : { cause });

/** A configuration variable is missing or invalid; names the variable, never its value (it may be a secret). */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}
