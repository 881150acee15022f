import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { Agent, request } from 'undici';
import type { WebhookPost } from './webhook.js';

/**
 * Node's webhook requests, sent from a thread of their own. The gateway's main thread is what a
 * busy instance runs out of first (it answers the requests); the HTTP work of a delivery (undici's
 * request, the socket, the answer's parsing) goes to this thread, which another core can run. The
 * main thread hands over the requests of one event-loop turn in one message and gets the answers
 * back the same way, so a lane step of sixteen deliveries costs it one message each way, not
 * sixteen requests. What a request does is as before: undici's `request` on a keep-alive pool, no
 * redirects followed, `timeoutMs` for the headers and for the body.
 */

interface Post {
  id: number;
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/** `[id, status]`, or `[id, -1, error name]` when no answer came. */
type Answer = [id: number, status: number, errorName?: string];

/**
 * A turn's requests as one message: their texts (url, headers as JSON, body) back to back in one
 * string, and five numbers per request (id, timeout, and the three texts' lengths). Posting that
 * cost the main thread 9 µs per message of ten requests, where ten request objects cost 20 (one
 * process, 2,000 messages each).
 */
interface Frame {
  numbers: number[];
  text: string;
}

function toFrame(posts: Post[]): Frame {
  const numbers: number[] = [];
  const texts: string[] = [];
  for (const post of posts) {
    const headers = JSON.stringify(post.headers);
    numbers.push(post.id, post.timeoutMs, post.url.length, headers.length, post.body.length);
    texts.push(post.url, headers, post.body);
  }
  return { numbers, text: texts.join('') };
}

function fromFrame({ numbers, text }: Frame): Post[] {
  const posts: Post[] = [];
  let at = 0;
  const take = (length: number) => text.slice(at, (at += length));
  for (let i = 0; i < numbers.length; i += 5) {
    const url = take(numbers[i + 2]!);
    const headers = JSON.parse(take(numbers[i + 3]!)) as Record<string, string>;
    posts.push({ id: numbers[i]!, timeoutMs: numbers[i + 1]!, url, headers, body: take(numbers[i + 4]!) });
  }
  return posts;
}

/** Marks the threads this module starts, so the module run as their entry knows what it is for. */
const ROLE = 'customer-gateway webhook sender';

// The one thing this module does when it is loaded, and only in a thread started by
// `webhookSenderThread` (the module is that thread's entry: built or not, no second file to find).
if (!isMainThread && (workerData as { role?: string } | null)?.role === ROLE) runSender();

function runSender(): void {
  const port = parentPort!;
  const agent = new Agent({ connections: 32, keepAliveTimeout: 30_000 });
  let answers: Answer[] = [];
  let inFlight = 0;
  let closing = false;
  /** Asked to close: once every request has its answer sent, the pool closes and the thread ends. */
  const endWhenIdle = () => {
    if (!closing || inFlight > 0 || answers.length > 0) return;
    closing = false;
    void agent.close().finally(() => port.close());
  };
  const flush = () => {
    const batch = answers;
    answers = [];
    port.postMessage(batch);
    endWhenIdle();
  };
  const answer = (reply: Answer) => {
    inFlight--;
    if (answers.push(reply) === 1) setImmediate(flush);
  };
  port.on('message', (message: Frame | 'close') => {
    if (message === 'close') {
      closing = true;
      return endWhenIdle();
    }
    const posts = fromFrame(message);
    inFlight += posts.length;
    for (const post of posts)
      request(post.url, {
        method: 'POST',
        headers: post.headers,
        body: post.body,
        dispatcher: agent,
        // undici's own timers rather than an AbortSignal per request; undici.request follows no redirects.
        headersTimeout: post.timeoutMs,
        bodyTimeout: post.timeoutMs,
      })
        .then(async (response) => {
          await response.body.dump();
          return response.statusCode;
        })
        // An answer whose body failed (or timed out) is a failure too, never a request left waiting.
        .then(
          (status) => answer([post.id, status]),
          (error: unknown) => answer([post.id, -1, error instanceof Error ? error.name : 'Error']),
        );
  });
}

/** An error of the sender thread, named as undici named it there (a timeout, a refused connection). */
class SendError extends Error {
  constructor(name: string) {
    super(`webhook request failed (${name})`);
    this.name = name;
  }
}

/**
 * The main thread's side: `post` as webhook.ts expects it. The thread starts with the first request
 * and again after it died (its requests in flight then fail, and the dispatcher retries them); it
 * keeps the process alive only while requests are in flight.
 */
export function webhookSenderThread(): { post: WebhookPost; close(): Promise<void> } {
  /** Requests waiting for their answer, each with the thread it went to (none yet: queued). */
  const pending = new Map<number, { resolve(status: number): void; reject(error: Error): void; thread?: Worker }>();
  let queued: Post[] = [];
  let nextId = 0;
  let thread: Worker | undefined;

  const start = () => {
    const entry = import.meta.url;
    // Built, this module is plain JavaScript and the thread's entry. Run from the TypeScript sources
    // (the tests), the thread registers tsx's loader first (Node 20 loads a thread's entry before
    // `--import` hooks apply).
    const started = entry.endsWith('.ts')
      ? new Worker(
          `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`,
          { eval: true, workerData: { role: ROLE } },
        )
      : new Worker(new URL(entry), { workerData: { role: ROLE } });
    started.on('message', (answers: Answer[]) => {
      for (const [id, status, errorName] of answers) {
        const waiting = pending.get(id);
        pending.delete(id);
        if (errorName === undefined) waiting?.resolve(status);
        else waiting?.reject(new SendError(errorName));
      }
      if (pending.size === 0) started.unref();
    });
    // 'error' is followed by 'exit', where what was in flight on this thread fails (and is retried).
    started.on('error', () => {});
    started.on('exit', () => {
      if (thread === started) thread = undefined;
      for (const [id, waiting] of pending) {
        if (waiting.thread !== started) continue;
        pending.delete(id);
        waiting.reject(new SendError('SenderThreadExited'));
      }
    });
    return started;
  };

  const flush = () => {
    const posts = queued;
    queued = [];
    const to = (thread ??= start());
    for (const post of posts) {
      const waiting = pending.get(post.id);
      if (waiting) waiting.thread = to;
    }
    to.ref();
    to.postMessage(toFrame(posts));
  };

  return {
    post: (url, headers, body, timeoutMs) =>
      new Promise<number>((resolve, reject) => {
        const id = ++nextId;
        pending.set(id, { resolve, reject });
        if (queued.push({ id, url, headers, body, timeoutMs }) === 1) queueMicrotask(flush);
      }),
    /** Lets the requests in flight finish (each within its timeout), then ends the thread. */
    async close() {
      const closing = thread;
      thread = undefined;
      if (!closing) return;
      const exited = new Promise<void>((resolve) => closing.once('exit', () => resolve()));
      closing.ref();
      closing.postMessage('close');
      // A thread that has not ended by then is ended (its requests in flight fail).
      const timer = setTimeout(() => void closing.terminate(), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
