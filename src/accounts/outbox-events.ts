import type { EventsRuntime } from '../events/index.js';
import { type AccountEvents, unconfiguredAccountEvents } from './events.js';

/**
 * The account events through the change-events pipeline (docs/events.md): recorded in the outbox
 * like every change, delivered by the dispatcher to every sink that may take them. The reset token
 * goes only to signed sinks (webhooks), sealed in the store until then (src/events/seal.ts); where
 * none is configured, `deliversSecrets` is false and a reset is refused as without events.
 */
export function outboxAccountEvents(events: EventsRuntime): AccountEvents {
  const refuse = unconfiguredAccountEvents();
  return {
    deliversSecrets: events.outbox.sealsSecrets,
    async emit(event, log, c) {
      if (event.type === 'customer.password_reset.requested' && !events.outbox.sealsSecrets)
        return refuse.emit(event, log);
      // Its fields are a draft's: ids, and the emails or the token the event is for.
      await events.recordAndDeliver([event], c);
    },
    heldAbout: (backend, customerId) => events.held.about(backend, customerId),
  };
}
