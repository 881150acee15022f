import type { Context } from 'hono';
import { GatewayError } from '../../adapters/errors.js';
import type { Log } from '../../adapters/types.js';
import { type ExportedEvent, isSecretEvent } from '../../schemas/index.js';
import type { GatewayEnv } from '../context.js';

/**
 * The events of a shopper's account life. `customer.password_reset.requested` is the one event
 * type that carries a secret (the reset token): it may go only to signed sinks and is never
 * logged. The others carry ids, and `customer.email.changed` the old address, so the merchant's
 * mailer can tell its owner.
 */
export type AccountEvent =
  | {
      type: 'customer.password_reset.requested';
      backend: string;
      customerId: string;
      /** Where to send the token: the customer's email as the platform holds it. */
      email: string;
      token: string;
      expiresAt: string;
    }
  | { type: 'customer.email.changed'; backend: string; customerId: string; email: string; previousEmail: string }
  | { type: 'customer.erased'; backend: string; customerId: string };

export type AccountEventType = AccountEvent['type'];

/**
 * Where the account flows hand their events. One implementation per way of delivering them: the
 * events outbox (`outboxAccountEvents`: signed webhooks, NATS, Queues) when change events are on;
 * `unconfiguredAccountEvents` when they are off; a recording double in in-process tests.
 */
export interface AccountEvents {
  /** Whether a secret-bearing event can be delivered (a signed sink is configured). */
  readonly deliversSecrets: boolean;
  /**
   * Hands the event on: recorded in the outbox before this resolves (so before the answer). `c`:
   * the request answered after it, whose runtime keeps delivering once it is answered (Workers);
   * absent in a background task, which then delivers within itself on Workers.
   */
  emit(event: AccountEvent, log: Log, c?: Context<GatewayEnv>): Promise<void>;
  /** The events about a customer still held for delivery (for the export); none where nothing is held. */
  heldAbout?(backend: string, customerId: string): Promise<ExportedEvent[]>;
}

/** Says what is missing, for the operator: the flows that need a secret delivered cannot run without it. */
export const NO_SIGNED_SINK =
  'password reset needs a signed event sink to deliver its token to the shop: set WEBHOOK_URLS and WEBHOOK_SECRET, and leave EVENTS at auto or on (NATS and queues are not signed and never get the token; see docs/accounts.md)';

/**
 * With change events off (EVENTS=off, or no sink configured): a reset token could go nowhere, so `deliversSecrets` is false (the reset
 * route then answers 501 for every email alike and logs an error for the operator); the other
 * events are not delivered either, and each says so in a warning (ids only, never an address).
 */
export function unconfiguredAccountEvents(): AccountEvents {
  return {
    deliversSecrets: false,
    async emit(event, log) {
      if (isSecretEvent(event.type)) throw new GatewayError('not_supported', NO_SIGNED_SINK);
      log.warn(
        { event: event.type, backend: event.backend, customerId: event.customerId },
        'account event not delivered: no event sink is configured',
      );
    },
  };
}
