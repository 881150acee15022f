import type { AccountEvent, AccountEvents } from '../../src/accounts/events.js';

export type RecordingAccountEvents = AccountEvents & {
  /** Every event emitted so far, in order. */
  readonly events: AccountEvent[];
  /** The first event (already emitted or yet to come) of this type that `where` accepts. */
  next<T extends AccountEvent['type']>(
    type: T,
    where?: (event: Extract<AccountEvent, { type: T }>) => boolean,
  ): Promise<Extract<AccountEvent, { type: T }>>;
};

/**
 * The test double of the account events for fast in-process suites (conformance, abuse): a
 * "signed sink" that keeps what it is given, so a test can read the reset token the shop's mailer
 * would have sent. The real path (outbox, sealed token, signed webhook) is tested in
 * account-events.test.ts, the npm start e2e test and the browser test, with a webhook receiver.
 */
export function recordingAccountEvents(): RecordingAccountEvents {
  const events: AccountEvent[] = [];
  const waiting: { accepts(event: AccountEvent): boolean; resolve(event: AccountEvent): void }[] = [];
  return {
    deliversSecrets: true,
    events,
    async emit(event) {
      events.push(structuredClone(event));
      for (const waiter of [...waiting]) {
        if (!waiter.accepts(event)) continue;
        waiting.splice(waiting.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    },
    next(type, where = () => true) {
      const accepts = (event: AccountEvent) => event.type === type && where(event as never);
      const seen = events.find(accepts);
      if (seen) return Promise.resolve(seen as never);
      return new Promise((resolve) => waiting.push({ accepts, resolve: resolve as (event: AccountEvent) => void }));
    },
  };
}
