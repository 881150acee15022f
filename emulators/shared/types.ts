import type { Hono } from 'hono';
import type { FaultController } from './faults.js';

/**
 * Every emulator is built the same way (see CONTRIBUTING.md, *Adding a backend*): a Hono app speaking the
 * platform's wire protocol over an in-memory store, seeded with demo data, with fault injection
 * and a test backdoor to seed, read what was really stored (vendor shape) and reset.
 */
export interface Emulator<Backdoor> {
  app: Hono<any, any, any>;
  /** In-process fetch for this app (embedded default and fast tests). */
  fetch: typeof fetch;
  faults: FaultController;
  backdoor: Backdoor & { reset(): void };
  /**
   * Environment variables that point the platform's adapter at this emulator with credentials it
   * accepts, minus the base URL's origin, which the caller picks (in-process or loopback).
   * E.g. { SFCC_BASE_URL: 'http://sfcc.emulator/s/Demo/dw/shop/v20_4', SFCC_CLIENT_ID: '…', … }
   */
  connectionEnv(origin: string): Record<string, string>;
}

export interface EmulatorOptions {
  /** Load the demo data (default true). */
  seed?: boolean;
  /** Faults active from the start (EMULATOR_FAULTS). */
  faults?: import('./faults.js').FaultSpec[];
  /** Per-scope request budget for platforms with rate limits; off unless set. */
  rateLimit?: { limit: number; windowSeconds: number };
}
