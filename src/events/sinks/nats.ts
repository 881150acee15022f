import {
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { connect, headers } from '@nats-io/transport-node';
import { GatewayError } from '../../../adapters/errors.js';
import { backendOfSource } from '../model.js';
import { CLOUDEVENTS_JSON, DeliveryError, type EventSink } from './types.js';

export interface NatsSinkOptions {
  servers: string[];
  stream: string;
  /** Subjects are `<subject>.<backend>.<event type>`, e.g. `customer-events.scayle.customer.created`. */
  subject: string;
  /** The stream's max_age when it is created here (the outbox's retention). */
  maxAgeMs: number;
}

/** JetStream's de-duplication window for streams created here: redeliveries after a crash fall within it. */
const DUPLICATE_WINDOW_MS = 10 * 60_000;
const nanos = (ms: number) => ms * 1_000_000;
const describe = (error: unknown) => (error instanceof Error ? error.message : 'error');

/**
 * NATS JetStream (nats.js v3): publishes each event with its id as `Nats-Msg-Id`, so JetStream
 * drops a redelivery within the stream's duplicate window, and resolves once the stream
 * acknowledged it. The stream is created when missing. Node only (not in the Worker bundle).
 */
export async function createNatsSink(options: NatsSinkOptions): Promise<EventSink> {
  const connection = await connect({
    servers: options.servers,
    name: 'customer-gateway-events',
    timeout: 5_000,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1_000,
  });
  let manager: JetStreamManager;
  try {
    manager = await jetstreamManager(connection);
    await manager.streams.info(options.stream).catch(async (error: unknown) => {
      if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound)) throw error;
      await manager.streams.add({
        name: options.stream,
        subjects: [`${options.subject}.>`],
        duplicate_window: nanos(DUPLICATE_WINDOW_MS),
        max_age: nanos(options.maxAgeMs),
      });
    });
  } catch (error) {
    await connection.close();
    throw error;
  }
  const js = jetstream(connection, { timeout: 10_000 });
  return {
    name: `nats:${options.stream}`,
    signed: false,
    concurrency: 64,
    async deliver(event) {
      const meta = headers();
      meta.set('content-type', CLOUDEVENTS_JSON);
      try {
        const subject = `${options.subject}.${backendOfSource(event.source)}.${event.type}`;
        const ack = await js.publish(subject, JSON.stringify(event), { msgID: event.id, headers: meta });
        // Where the stream keeps it (a redelivery within the duplicate window: the first copy's).
        return { copy: `${ack.seq}:${event.id}`, earlier: ack.duplicate };
      } catch (error) {
        throw new DeliveryError(`NATS did not acknowledge (${describe(error)})`, {
          cause: error,
        });
      }
    },
    /**
     * A customer's erasure: the stream's copies of its events are deleted, their bytes overwritten
     * (`erase`). A copy is named by its sequence and its event's id: a message at that sequence
     * with another Nats-Msg-Id (the stream was recreated and numbers again) is not ours to delete.
     */
    async erase(copies) {
      let removed = 0;
      try {
        for (const copy of copies) {
          const [seq, eventId] = [Number(copy.slice(0, copy.indexOf(':'))), copy.slice(copy.indexOf(':') + 1)];
          // null: gone already (past max_age, or an interrupted erasure sent again).
          const stored = await manager.streams.getMessage(options.stream, { seq });
          if (stored?.header.get('Nats-Msg-Id') !== eventId) continue;
          if (await manager.streams.deleteMessage(options.stream, seq, true)) removed++;
        }
      } catch (error) {
        // The stream itself is gone (an operator deleted it): so are its copies.
        if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) return removed;
        throw new GatewayError(
          'upstream_unavailable',
          `NATS JetStream did not delete the stream's copies (${describe(error)})`,
          {
            cause: error,
            retryAfter: 5,
          },
        );
      }
      return removed;
    },
    close: () => connection.drain().catch(() => connection.close()),
  };
}
