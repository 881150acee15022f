import { describe, expect, it } from 'vitest';
import { deadlineSignal, type AbortSource } from '../../transport/deadline.js';

const aborted = (signal: AbortSource) =>
  new Promise<unknown>((resolve) => signal.addEventListener('abort', () => resolve(signal.reason), { once: true }));

describe('deadlineSignal', () => {
  it('aborts with a TimeoutError when the time is up', async () => {
    const { signal } = deadlineSignal(20);
    const reason = (await aborted(signal)) as DOMException;
    expect(reason.name).toBe('TimeoutError');
  });

  it("aborts with the parent's reason when the parent aborts first, or already has", async () => {
    const parent = new AbortController();
    const deadline = deadlineSignal(60_000, parent.signal);
    const reason = aborted(deadline.signal);
    parent.abort(new Error('client left'));
    expect(((await reason) as Error).message).toBe('client left');
    const late = deadlineSignal(60_000, parent.signal);
    expect(late.signal.reason).toEqual(new Error('client left'));
    deadline.dispose();
    late.dispose();
  });

  it('never aborts once disposed, from the timer or the parent', async () => {
    const parent = new AbortController();
    const deadline = deadlineSignal(10, parent.signal);
    deadline.dispose();
    await new Promise((r) => setTimeout(r, 40));
    parent.abort();
    expect(deadline.signal.aborted).toBe(false);
  });

  it('leaves no listener on a long-lived parent (one context, thousands of calls: a migration)', () => {
    const parent = new AbortController();
    let listeners = 0;
    const add = parent.signal.addEventListener.bind(parent.signal);
    const remove = parent.signal.removeEventListener.bind(parent.signal);
    parent.signal.addEventListener = ((...args: Parameters<typeof add>) => (listeners++, add(...args))) as typeof add;
    parent.signal.removeEventListener = ((...args: Parameters<typeof remove>) => (
      listeners--, remove(...args)
    )) as typeof remove;
    for (let i = 0; i < 50; i++) deadlineSignal(60_000, parent.signal).dispose();
    expect(listeners).toBe(0);
  });

  it('takes any abort source, and aborts only when it says it has (a connection closing after its answer is no abort)', () => {
    const listeners = new Set<() => void>();
    const source = {
      aborted: false,
      reason: undefined as unknown,
      addEventListener: (_: 'abort', l: () => void) => listeners.add(l),
      removeEventListener: (_: 'abort', l: () => void) => listeners.delete(l),
    };
    const deadline = deadlineSignal(60_000, source);
    listeners.forEach((l) => l()); // closed, answer written
    expect(deadline.signal.aborted).toBe(false);
    Object.assign(source, { aborted: true, reason: new Error('client left') });
    listeners.forEach((l) => l());
    expect(deadline.signal.reason).toEqual(new Error('client left'));
    deadline.dispose();
    expect(listeners.size).toBe(0);
  });
});
