import type {
  Address,
  Capabilities,
  AddressCreate,
  AddressPatch,
  Customer,
  CustomerCreate,
  CustomerPatch,
  PasswordChange,
} from '../schemas/index.js';
import type { AttemptObserver } from '../transport/attempt-observer.js';
import type { Deadline } from '../transport/deadline.js';
import type { ProbeResult } from './probe.js';

export type { Capabilities } from '../schemas/index.js';

/** Minimal logger shape (pino's), so adapters do not depend on a logging library. */
export interface Log {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Log;
  /** Whether a line at this level would be written (lets callers skip building costly fields). */
  isLevelEnabled?(level: 'debug' | 'info' | 'warn' | 'error'): boolean;
  /** Writes what is buffered (Node's asynchronous stdout); settles once written, or once the output is gone. */
  flush?(): Promise<void>;
}

/** Per-request context handed to every adapter call. */
export interface CallContext {
  requestId: string;
  /** Aborted when the caller goes away or the gateway's deadline passes. */
  signal: AbortSignal;
  log: Log;
  /** Adds a header to the gateway's answer (e.g. the upstream's RateLimit-* budget). */
  setResponseHeader(name: string, value: string): void;
  /**
   * A deadline for one upstream call: aborts when the caller goes away, at the request's own
   * deadline or after `limitMs`, whichever comes first. The gateway's contexts build it as one
   * signal (`deadlineSignal(limitMs, ctx.signal)` would build the request's signal first, and
   * two timers). Contexts without it (tests, the migration) get exactly that fallback.
   */
  deadlineWithin?(limitMs: number): Deadline;
  /**
   * What is left of the request's own deadline (ms). The upstream client ends a call's retries by it
   * (a backoff or a Retry-After wait that would pass it is not waited out); absent outside a
   * request (the migration), where only the call's own total timeout bounds them.
   */
  remainingMs?(): number;
  /** Counts a successful adapter call towards the request's access-log line (op, ms). */
  recordCall?(op: string, ms: number): void;
  /** Traces and metrics of each upstream attempt (the upstream client calls it); absent when both are off. */
  observeAttempt?: AttemptObserver;
  /**
   * Upstream DELETE attempts that were sent and lost their answer (the connection failed before it
   * came; not a timeout of ours), counted by the upstream client. The platform may have applied
   * them: when the client's retry then finds nothing, the delete was the request's own.
   */
  lostDeleteAnswers?: number;
}

export type CustomerRef = { kind: 'id'; id: string } | { kind: 'externalRef'; externalRef: string };

/** An adapter's view of a page: its native position for the next page, null on the last. */
export interface AdapterPage<T> {
  items: T[];
  next: unknown | null;
  total?: number;
}

export interface PageRequest {
  limit: number;
  /** The native position decoded from the caller's cursor (what `next` held), if any. */
  position?: unknown;
}

export interface ListCustomersQuery extends PageRequest {
  email?: string;
  externalRef?: string;
  /** ISO 8601 with offset. */
  updatedSince?: string;
}

/** A resource with the upstream's own ETag where it has one (capability `etag`). */
export interface Versioned<T> {
  value: T;
  etag?: string;
}

export interface WriteOptions {
  /** Passed only when the adapter has native ETags; otherwise the gateway checks If-Match itself. */
  ifMatch?: string;
}

export interface CustomerAdapter {
  readonly backend: string;
  readonly capabilities: Capabilities;
  /**
   * For each capability this backend lacks: what to do instead (the configuration that turns it
   * on, or the platform's own way). The 501 `not_supported` answer names it (adapters/unsupported.ts).
   */
  readonly capabilityHints?: Partial<Record<keyof Capabilities, string>>;
  /** The platform when `backend` names an instance of it (`brand-a` of `scayle`); absent means `backend` itself. */
  readonly platform?: string;

  /*
   * A method a capability stands for (CAPABILITY_METHODS in adapters/unsupported.ts) is optional:
   * a backend that cannot do it says so by the flag being false and the method being absent,
   * never by a method that only throws `not_supported`.
   */

  /** Capability `listCustomers`. */
  listCustomers?(query: ListCustomersQuery, ctx: CallContext): Promise<AdapterPage<Customer>>;
  getCustomer(ref: CustomerRef, opts: { expandAddresses: boolean }, ctx: CallContext): Promise<Versioned<Customer>>;
  /** When `input.addresses` is given and one fails, throw with `created` naming what exists. */
  createCustomer(input: CustomerCreate, ctx: CallContext): Promise<Versioned<Customer>>;
  updateCustomer(
    ref: CustomerRef,
    patch: CustomerPatch,
    opts: WriteOptions,
    ctx: CallContext,
  ): Promise<Versioned<Customer>>;
  /** Capability `customerDelete`. */
  deleteCustomer?(ref: CustomerRef, ctx: CallContext): Promise<void>;
  /** Capability `passwordChange`. */
  setPassword?(ref: CustomerRef, change: PasswordChange, ctx: CallContext): Promise<void>;

  listAddresses(ref: CustomerRef, page: PageRequest, ctx: CallContext): Promise<AdapterPage<Address>>;
  getAddress(ref: CustomerRef, addressId: string, ctx: CallContext): Promise<Versioned<Address>>;
  createAddress(ref: CustomerRef, input: AddressCreate, ctx: CallContext): Promise<Versioned<Address>>;
  /** May return an address with a new id (rename); the route then answers with the new Location. */
  updateAddress(
    ref: CustomerRef,
    addressId: string,
    patch: AddressPatch,
    opts: WriteOptions,
    ctx: CallContext,
  ): Promise<Versioned<Address>>;
  /** Capability `addressDelete`. */
  deleteAddress?(ref: CustomerRef, addressId: string, ctx: CallContext): Promise<void>;

  /**
   * Checks a shopper's credentials (capability `shopperLogin`). A wrong password and an unknown
   * email both throw GatewayError('unauthorized', 'email or password is wrong').
   */
  authenticateShopper?(
    credentials: { email: string; password: string },
    ctx: CallContext,
  ): Promise<{ customerId: string }>;

  /**
   * Optional (SCAYLE): sets a password hash another platform made, so a migrated customer keeps
   * its password. Backends without it cannot take hashes (their customers need a reset).
   */
  importPasswordHash?(ref: CustomerRef, hash: PasswordHash, ctx: CallContext): Promise<void>;
  /**
   * Optional (`live`): the one id of the customer an id names, where the backend has several names
   * for one customer (`s:<id>`, and `t:<targetId>` once it moved). The routes' locks and events use
   * it, so writes naming one customer differently still take one lock. Without it an id is its own.
   */
  canonicalId?(id: string, ctx: CallContext): Promise<string>;

  /**
   * Optional: checks with a few cheap authorised calls that the configured credentials and
   * shop/site/list work, and says which setting to fix when not (`npm run doctor`; /ready shares
   * it, cached). Never throws for what it diagnoses. Absent: `probeBackend` (adapters/probe.ts)
   * makes one cheap authorised call through the canonical methods.
   */
  probe?(ctx: CallContext): Promise<ProbeResult>;

  /**
   * Capability `guestConversion`: makes the guest customer `ref` a registered one in the
   * platform's way (its status, and the password when given), keeping its id, addresses and
   * history. The gateway then applies the registration's other fields and addresses (`followedBy`,
   * checked before anything is written). A customer that is no guest throws `conflict`.
   */
  convertGuest?(
    ref: CustomerRef,
    registration: GuestRegistration,
    ctx: CallContext,
  ): Promise<GuestConversion | undefined | void>;

  /**
   * Capability `erasure` (GDPR Art. 17): erases the customer on the platform in its own way
   * (deleted, or anonymised where that is how the platform erases) and says what it did. A
   * platform that refuses (open orders) throws `conflict` saying why, having changed nothing.
   */
  eraseCustomer?(ref: CustomerRef, ctx: CallContext): Promise<PlatformErasure>;
}

/** What a guest's registration sets on the platform itself. */
export interface GuestRegistration {
  password?: string;
  active: boolean;
  /**
   * What the gateway writes after the conversion (the registration's other fields, its addresses):
   * checked first, so a value the platform can never store refuses the registration while the
   * customer is still an unchanged guest.
   */
  followedBy: { profile: CustomerPatch; addresses: AddressCreate[] };
}

/** What the platform asks of the registration's addresses once the guest is converted. */
export interface GuestConversion {
  /**
   * Per `followedBy.addresses` entry, the id of the guest's address it takes the place of: on a
   * platform of fixed address slots (Open2b) the registration's billing address is the billing
   * address, not a second one put wherever there is room. Undefined: added beside the guest's.
   */
  replaces: (string | undefined)[];
  /**
   * Ids of the guest's addresses that leave a registration's address no room for what it asks:
   * on Open2b the checkout's shipping address, when the registration's billing address is to be
   * the default shipping address too (Open2b ships to the shipping address while there is one).
   * The gateway deletes them once the registration's addresses are written.
   */
  supersedes?: string[];
}

/** What a platform did to erase a customer. */
export interface PlatformErasure {
  outcome: 'deleted' | 'anonymized';
  /** In the platform's terms: which call, what it covers, what it keeps (e.g. orders). */
  detail: string;
}

/** A password hash as another platform stored it; `scheme` names that platform's hashing. */
export interface PasswordHash {
  hash: string;
  /** `salesforce`: SFCC's (scrypt) customer password hash, as its customer-list export writes it. */
  scheme: 'salesforce';
}

/** The one answer to every failed shopper login, so it never tells whether the email exists. */
export const WRONG_CREDENTIALS = 'email or password is wrong';

export type AdapterMethod = Exclude<keyof CustomerAdapter, 'backend' | 'capabilities' | 'capabilityHints' | 'platform'>;

/** An adapter with every method a capability stands for (a backend that can do all of it). */
export type CompleteAdapter = CustomerAdapter &
  Required<
    Pick<CustomerAdapter, 'listCustomers' | 'deleteCustomer' | 'setPassword' | 'deleteAddress' | 'authenticateShopper'>
  >;

/** What a backend factory gets besides its own options. */
export interface AdapterDeps {
  /** The runtime's fetch on Workers, a keep-alive one on Node, an emulator's app.fetch in tests. */
  fetch: typeof fetch;
  log: Log;
}

/**
 * One per platform: how to read its configuration from the environment and build its adapter.
 * `parseOptions` throws `ConfigError` naming the variable (never its value).
 */
export interface BackendDefinition<Options = unknown> {
  name: string;
  /** The variable whose absence means "run on the embedded emulator" (several: all of them absent). */
  baseUrlVariable?: string | readonly string[];
  /**
   * Every variable `parseOptions` reads, all starting with the platform's prefix (`SCAYLE_`): an
   * instance `brand-a:scayle` reads them as `BRAND_A_…` (src/instances.ts). Without the list an
   * instance maps every variable that starts with the prefix.
   */
  variables?: readonly string[];
  parseOptions(env: Record<string, string | undefined>): Options;
  create(options: Options, deps: AdapterDeps): CustomerAdapter;
}
