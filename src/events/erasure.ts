import type { ErasureStep } from '../accounts/erasure-steps.js';
import type { HeldEvents } from './held.js';
import type { Snapshots } from './snapshots.js';

/**
 * What an erasure clears in the events feature (deps.accounts.erasureSteps): the customer's data
 * in events still held (the outbox and dead letters: payloads in `full` mode, the emails of
 * `customer.email.changed`, a sealed reset token), redacted to ids in place so consumers still
 * get the events, as ids; and the poller's salted digests of the customer's fields.
 */
export function eventsErasureSteps(held: HeldEvents, snapshots: Snapshots): ErasureStep[] {
  return [
    {
      where: 'events outbox',
      what: 'customer data in held events and dead letters (payloads, emails, a sealed reset token); the events keep their ids',
      erase: (s) => held.redact(s.backend, s.customerId),
    },
    {
      where: 'events poller',
      what: "the poller's salted digests of the customer's fields",
      async erase(s) {
        await snapshots.forget(s.backend, s.customerId);
        return undefined;
      },
    },
  ];
}
