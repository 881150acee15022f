import type { Address, Customer, CustomerEvent, CustomerEventData, EventType } from '../../schemas/index.js';
import { sha256Hex } from '../digest.js';
import type { EventsPayload } from './config.js';

/** What a route or the poller says happened; `buildEvent` makes the envelope. */
export interface EventDraft {
  type: EventType;
  backend: string;
  customerId: string;
  addressId?: string;
  previousAddressId?: string;
  changed?: string[];
  origin?: 'gateway' | 'poll';
  /** The resource after the change: sent only with EVENTS_PAYLOAD=full. */
  customer?: Customer;
  address?: Address;
  /**
   * Account events (src/accounts/events.ts), in both payload modes because they are what the
   * event is for: the new and old email of `customer.email.changed`, and the reset token of
   * `customer.password_reset.requested` with where and until when it goes (sealed in the outbox).
   */
  email?: string;
  previousEmail?: string;
  token?: string;
  expiresAt?: string;
}

/** The members of event data that name things rather than carry a customer's data. */
const ID_FIELDS = ['customerId', 'origin', 'addressId', 'previousAddressId', 'changed'] as const;

/** The data with ids and changed paths only: what an erased customer's held events keep, and what a secret event shows. */
export function idsOnly(data: CustomerEventData): CustomerEventData {
  const kept: Record<string, unknown> = {};
  for (const field of ID_FIELDS) if (data[field] !== undefined) kept[field] = data[field];
  return kept as CustomerEventData;
}

/** Whether the data holds more than ids (a payload, an email, a token). */
export const beyondIds = (data: CustomerEventData) =>
  Object.keys(data).some((field) => !(ID_FIELDS as readonly string[]).includes(field));

export interface EventSettings {
  source: string;
  payload: EventsPayload;
}

const ACCOUNT_FIELDS = ['email', 'previousEmail', 'token', 'expiresAt'] as const;

/** The CloudEvents envelope of a draft. With `ids` the data holds ids and changed paths only. */
/** An event's CloudEvents `source`: EVENTS_SOURCE, then the backend the customer lives in. */
export const eventSource = (source: string, backend: string) => `${source}/backends/${backend}`;
/** The backend an event's `source` names (eventSource's inverse); `unknown` for another source. */
export const backendOfSource = (source: string) => /\/backends\/([^/]+)$/.exec(source)?.[1] ?? 'unknown';

export function buildEvent(draft: EventDraft, id: string, time: Date, settings: EventSettings): CustomerEvent {
  const data: CustomerEventData = { customerId: draft.customerId, origin: draft.origin ?? 'gateway' };
  if (draft.addressId !== undefined) data.addressId = draft.addressId;
  if (draft.previousAddressId !== undefined) data.previousAddressId = draft.previousAddressId;
  if (draft.changed !== undefined) data.changed = draft.changed;
  if (settings.payload === 'full') {
    if (draft.customer) data.customer = draft.customer;
    if (draft.address) data.address = draft.address;
  }
  for (const field of ACCOUNT_FIELDS) if (draft[field] !== undefined) data[field] = draft[field];
  return {
    specversion: '1.0',
    id,
    source: eventSource(settings.source, draft.backend),
    type: draft.type,
    time: time.toISOString(),
    subject: draft.customerId,
    datacontenttype: 'application/json',
    data,
  };
}

/** Events of one customer are delivered in order: this names the customer across backends. */
export const orderKeyOf = (event: Pick<CustomerEvent, 'source' | 'subject'>) => `${event.source} ${event.subject}`;

/** Canonical names of patch fields whose canonical path differs. */
const RENAMED: Record<string, string> = { active: 'status.active' };

/**
 * The canonical field paths a patch changes: top-level fields by name, objects (phones, custom)
 * by their members (`phones.mobile`), a cleared object (`null`) by its own name. Sorted.
 */
export function changedPaths(patch: object): string[] {
  const paths: string[] = [];
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const path = RENAMED[field] ?? field;
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0)
      for (const member of Object.keys(value)) paths.push(`${path}.${member}`);
    else paths.push(path);
  }
  return paths.sort();
}

/** `n` event ids: random, or derived from the request's Idempotency-Key so a retried write's events keep theirs. */
export async function eventIds(count: number, idempotencyKey: string | undefined): Promise<string[]> {
  if (idempotencyKey === undefined) return Array.from({ length: count }, () => crypto.randomUUID());
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const hex = await sha256Hex(`event ${i} of ${idempotencyKey}`);
      // A UUID (version 8: made by this application) so every id has one shape.
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((Number.parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    }),
  );
}
