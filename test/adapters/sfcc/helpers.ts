import { createSfccAdapter, sfccBackend } from '../../../adapters/sfcc/index.js';
import type { SfccOptions } from '../../../adapters/sfcc/options.js';
import type { CallContext, CustomerRef, Log } from '../../../adapters/types.js';
import { createSfccEmulator } from '../../../emulators/sfcc/index.js';
import type { EmulatorOptions } from '../../../emulators/shared/types.js';
import {
  AddressCreateSchema,
  CustomerCreateSchema,
  type AddressCreateInput,
  type CustomerCreateInput,
} from '../../../schemas/index.js';
import { recordingFetch, type Recorded } from './fixtures/spec-check.js';

export const ORIGIN = 'http://sfcc.test';

/** A logger that keeps every line, to prove what never reaches the logs. */
export function capturingLog(lines: string[]): Log {
  const log: Log = {
    debug: (obj, msg) => void lines.push(JSON.stringify({ ...obj, msg })),
    info: (obj, msg) => void lines.push(JSON.stringify({ ...obj, msg })),
    warn: (obj, msg) => void lines.push(JSON.stringify({ ...obj, msg })),
    error: (obj, msg) => void lines.push(JSON.stringify({ ...obj, msg })),
    child: () => log,
  };
  return log;
}

export function context(lines: string[] = []): { ctx: CallContext; headers: Headers } {
  const headers = new Headers();
  return {
    ctx: {
      requestId: 'sfcc-test',
      signal: new AbortController().signal,
      log: capturingLog(lines),
      setResponseHeader: (n, v) => headers.set(n, v),
    },
    headers,
  };
}

/** An adapter on an in-process emulator; every request recorded at the fetch layer. */
export function setup(
  opts: {
    emulator?: EmulatorOptions;
    data?: boolean;
    env?: Record<string, string>;
    options?: Partial<SfccOptions>;
    random?: () => string;
  } = {},
) {
  const emulator = createSfccEmulator(opts.emulator ?? { seed: false });
  const env: Record<string, string | undefined> = { ...emulator.connectionEnv(ORIGIN), ...opts.env };
  if (opts.data === false) {
    delete env.SFCC_DATA_BASE_URL;
    delete env.SFCC_CUSTOMER_LIST;
  }
  const options = { ...sfccBackend.parseOptions(env), retryLimit: 0, ...opts.options };
  const sent: Recorded[] = [];
  const lines: string[] = [];
  const adapter = createSfccAdapter(options, {
    fetch: recordingFetch(emulator.fetch, sent),
    log: capturingLog(lines),
    random: opts.random,
  });
  return { emulator, adapter, options, sent, lines, ...context(lines) };
}

export const customerInput = (overrides: Partial<CustomerCreateInput> = {}) =>
  CustomerCreateSchema.parse({
    email: `c-${Math.random().toString(36).slice(2, 8)}@example.com`,
    firstName: 'Jane',
    lastName: 'Roe',
    ...overrides,
  });
export const addressInput = (overrides: Partial<AddressCreateInput> = {}) =>
  AddressCreateSchema.parse({
    firstName: 'Jane',
    lastName: 'Roe',
    line1: 'Hauptstraße 5',
    city: 'Berlin',
    postalCode: '10115',
    countryCode: 'DE',
    ...overrides,
  });
export const byId = (id: string): CustomerRef => ({ kind: 'id', id });

export { failure } from '../support.js';
