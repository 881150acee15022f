import { z } from '@hono/zod-openapi';
import { AddressSchema } from './address.js';
import { DateTime } from './common.js';
import { CustomerSchema } from './customer.js';

/** What the gateway knows about an event type. */
export interface EventTypeInfo {
  description: string;
  /**
   * The event carries a secret (e.g. a password-reset token): it goes only to signed sinks
   * (webhooks), is never logged, never appears in the pull feed, and the dead-letter list shows it
   * without its data.
   */
  secret?: boolean;
}

/** Every customer change event the gateway emits. Adding a type is one line here. */
export const EVENT_TYPES = {
  'customer.created': { description: 'A customer was registered.' },
  'customer.updated': { description: 'A customer changed; `data.changed` names the canonical field paths.' },
  'customer.deleted': { description: 'A customer was deleted.' },
  'customer.address.created': { description: 'An address was added to a customer.' },
  'customer.address.updated': { description: 'An address changed; `data.changed` names its field paths.' },
  'customer.address.deleted': { description: 'An address was removed from a customer.' },
  'customer.password.changed': { description: "A customer's password was set or changed (never the password)." },
  'customer.password_reset.requested': {
    description:
      'A shopper asked for a password reset: `data.token` (30 minutes, one use) is for the shop to email to `data.email`. Signed sinks only.',
    secret: true,
  },
  'customer.email.changed': {
    description:
      "A shopper changed their email: `data.previousEmail` (and `data.email`, the new one), in both payload modes, so the shop can tell the old address's owner.",
  },
  'customer.erased': {
    description: 'A customer was erased (GDPR Art. 17): ids only; erase your copies of their data.',
  },
} as const satisfies Record<string, EventTypeInfo>;

export type EventType = keyof typeof EVENT_TYPES;
export const EVENT_TYPE_NAMES = Object.keys(EVENT_TYPES) as [EventType, ...EventType[]];
export const isSecretEvent = (type: string): boolean =>
  (EVENT_TYPES as Record<string, EventTypeInfo>)[type]?.secret === true;

export const EventTypeSchema = z.enum(EVENT_TYPE_NAMES).openapi('EventType', {
  description: Object.entries(EVENT_TYPES)
    .map(([type, info]) => `\`${type}\`: ${info.description}`)
    .join(' '),
});

export const CustomerEventDataSchema = z
  .object({
    customerId: z.string().openapi({ description: "The backend's native customer id (also the envelope's subject)." }),
    addressId: z
      .string()
      .optional()
      .openapi({ description: 'Address events: the address id (after a rename, the new one).' }),
    previousAddressId: z.string().optional().openapi({ description: 'An address renamed by the update: its old id.' }),
    changed: z
      .array(z.string())
      .optional()
      .openapi({
        description:
          'Updates: the canonical field paths that changed (e.g. `firstName`, `phones.mobile`, `status.active`). Absent when a change found by polling had no earlier state to compare with.',
        example: ['firstName', 'phones.mobile'],
      }),
    origin: z.enum(['gateway', 'poll']).openapi({
      description:
        '`gateway`: a write through the gateway; `poll`: a change made elsewhere, found by polling the platform.',
    }),
    customer: CustomerSchema.optional().openapi({
      description: 'EVENTS_PAYLOAD=full: the customer after the change (never a password or hash).',
    }),
    address: AddressSchema.optional().openapi({ description: 'EVENTS_PAYLOAD=full: the address after the change.' }),
    email: z.string().optional().openapi({
      description:
        '`customer.email.changed`: the new email; `customer.password_reset.requested`: where to send the token. In both payload modes.',
      format: 'email',
    }),
    previousEmail: z.string().optional().openapi({
      description:
        '`customer.email.changed`: the email before the change (to notify its owner). In both payload modes.',
      format: 'email',
    }),
    token: z.string().optional().openapi({
      description:
        '`customer.password_reset.requested` only (signed sinks only): the reset token, for a link to the storefront that confirms it with `POST /v1/auth/password-reset/confirm`. Never a password or hash.',
    }),
    expiresAt: DateTime.optional().openapi({
      description: '`customer.password_reset.requested`: when the token stops working.',
    }),
  })
  .openapi('CustomerEventData');

/** A CloudEvents 1.0 event in the JSON format (structured mode): the one envelope of every sink. */
export const CustomerEventSchema = z
  .object({
    specversion: z.literal('1.0'),
    id: z.string().openapi({
      description: 'Unique per event; the same on every redelivery (webhook-id, Nats-Msg-Id): deduplicate on it.',
    }),
    source: z.string().openapi({ description: 'The gateway and backend: `<EVENTS_SOURCE>/backends/<backend>`.' }),
    type: EventTypeSchema,
    time: DateTime.openapi({ description: 'When the change happened (was answered, or was found by polling).' }),
    subject: z.string().openapi({ description: 'The customer id.' }),
    datacontenttype: z.literal('application/json'),
    data: CustomerEventDataSchema,
  })
  .openapi('CustomerEvent', {
    description: 'A CloudEvents 1.0 JSON envelope. Delivered at least once, in order per customer (source + subject).',
  });

export const DeadLetterSchema = z
  .object({
    event: CustomerEventSchema,
    sink: z
      .string()
      .openapi({ description: 'Where it could not be delivered, e.g. `webhook:hooks.example.com:3f9a…`.' }),
    reason: z.string().openapi({ description: 'The last failure (status or error), never a body.' }),
    attempts: z.int(),
    deadAt: DateTime,
    redeliveredAt: DateTime.optional(),
  })
  .openapi('DeadLetter');

export type CustomerEvent = z.infer<typeof CustomerEventSchema>;
export type CustomerEventData = z.infer<typeof CustomerEventDataSchema>;
export type DeadLetter = z.infer<typeof DeadLetterSchema>;
