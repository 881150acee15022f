import type { Emulator } from '../../emulators/shared/types.js';
import type { TestResponse } from '../conformance/harness.js';
import { berlinAddress } from '../support/address.js';

/** An inactive customer without a password (Open2b: email need not be unique), with a billing address. */
export const registration = (tag: string) => ({
  email: `settle-${tag}@example.com`,
  firstName: 'Ines',
  lastName: `Late${tag.slice(-8)}`,
  active: false,
  addresses: [berlinAddress({ firstName: 'Ines', lastName: `Late${tag.slice(-8)}` })],
});

/** The platform call that stores a new customer (a registration without a password), per backend. */
const CREATE_CALL: Record<string, { method: string; path: RegExp }> = {
  sfcc: { method: 'POST', path: /\/dw\/shop\/v\d+_\d+\/customers$/ },
  scayle: { method: 'POST', path: /\/customers$/ },
  open2b: { method: 'POST', path: /\/commerce\.customers\.create$/ },
  scapi: { method: 'POST', path: /\/customer-lists\/[^/]+\/customers$/ },
};

/** The next registration on this emulator is stored only after `latencyMs` (the platform is slow, not failing). */
export function slowRegistration(backend: string, emulator: Emulator<unknown>, latencyMs: number): void {
  emulator.faults.inject({ ...CREATE_CALL[backend]!, latencyMs, times: 1 });
}

/** The ids of the customers the platform holds with this email, read on its backdoor. */
export async function registrationsOf(backend: string, emulator: Emulator<any>, email: string): Promise<string[]> {
  const all: any[] = await emulator.backdoor.readAll();
  const held = (c: any) =>
    ({
      sfcc: [c.email, c.customer_id],
      scayle: [c.email, c.id],
      open2b: [c.billingAddress?.email, c.id],
      scapi: [c.email, c.customerNo],
    })[backend]!;
  return all.filter((c) => held(c)[0] === email).map((c) => String(held(c)[1]));
}

/** A client honouring `409 … still being processing` with its Retry-After, as the docs ask (bounded). */
export async function retryUntilSettled(send: () => Promise<TestResponse>, attempts = 60): Promise<TestResponse> {
  for (let attempt = 1; ; attempt++) {
    const res = await send();
    if (res.status !== 409 || res.body?.code !== 'conflict' || attempt === attempts) return res;
    await new Promise((resolve) => setTimeout(resolve, Number(res.headers.get('retry-after') ?? 1) * 1000));
  }
}
