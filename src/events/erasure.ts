import type { ErasureStep } from '../accounts/erasure-steps.js';
import type { HeldEvents } from './held.js';
import type { Snapshots } from './snapshots.js';

/**
 * What an erasure clears in the change events (deps.accounts.erasureSteps): the customer's data in
 * events still held (the outbox and dead letters: payloads in `full` mode, the emails of
 * `customer.email.changed`, a sealed reset token), redacted to ids in place so consumers still get
 * the events, as ids; the copies a sink keeps of events that held more (a JetStream stream's
 * messages, deleted); and the poller's salted digests of the customer's fields. The count is the
 * events that held more than ids plus the copies deleted.
 */
export function eventsErasureStep(held: HeldEvents, snapshots: Snapshots): ErasureStep {
  return {
    where: 'change events',
    what: "customer data in held events and dead letters (payloads, emails, a sealed reset token; the events keep their ids), the NATS JetStream stream's copies of events that carried such data, and the poller's digests of the customer's fields",
    async erase(s) {
      await snapshots.forget(s.backend, s.customerId);
      return held.redact(s.backend, s.customerId);
    },
  };
}
