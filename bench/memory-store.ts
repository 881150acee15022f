/**
 * `npx tsx bench/memory-store.ts`: the memory store (STORE=memory, `npm start`'s default) as it
 * fills: µs per `set` of a new key up to 130,000 keys (the bound is 100,000) and per append to one
 * log up to 60,000 entries (the bound is 50,000), per 10,000. Past a bound a write should cost what
 * it cost before it, not a walk of everything kept.
 */
import { createMemoryStore } from '../src/store/memory.js';

const store = createMemoryStore({ onEvict: () => {} });
const report = (what: string, from: number, started: number) =>
  console.log(`${what} ${from + 1}–${from + 10_000}: ${((performance.now() - started) / 10).toFixed(1)} µs each`);

let started = performance.now();
for (let i = 0; i < 130_000; i++) {
  await store.set(`key-${i}`, 'value', 3_600_000);
  if (i % 10_000 === 9_999) {
    report('set, keys', i - 9_999, started);
    started = performance.now();
  }
}
started = performance.now();
for (let i = 0; i < 60_000; i++) {
  await store.appendToLog('events:outbox', `event-${i}`, '{"id":"event"}', 3_600_000);
  if (i % 10_000 === 9_999) {
    report('appendToLog, entries', i - 9_999, started);
    started = performance.now();
  }
}
await store.close();
