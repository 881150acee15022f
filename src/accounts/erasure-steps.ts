import type { CallContext } from '../../adapters/types.js';
import type { ResetTokens } from './reset-tokens.js';
import { resetEmailKey } from './reset-limits.js';
import { deleteRecordsAbout } from '../idempotency/by-customer.js';
import { callerBucketKey } from '../limits/caller-limit.js';
import { shopperCaller } from '../limits/caller.js';
import { accountCounterKeys } from '../sessions/login-limits.js';
import type { Sessions } from '../sessions/sessions.js';
import type { SharedStore } from '../store/types.js';

/** The customer an erasure is about, as the platform knew it before erasing it. */
export interface ErasureSubject {
  backend: string;
  /** The backend's native id. */
  customerId: string;
  /** Unknown when the platform no longer had the customer (a retry finishing an earlier erasure). */
  email?: string;
  externalRef?: string;
}

/**
 * One place the gateway keeps something about customers, and how to erase it. The erasure runs
 * the platform first, then every step in order, and reports each. Parts of the gateway that keep
 * customer data of their own (the change events, the live-migration mapping, migration state) add
 * a step to `deps.accounts.erasureSteps`.
 */
export interface ErasureStep {
  /** Where the data lived, e.g. `gateway`, `change events`, `live migration`. */
  where: string;
  what: string;
  /** Erases it; answers how many records there were, or undefined where they are not counted. */
  erase(subject: ErasureSubject, call: CallContext): Promise<number | undefined>;
  /**
   * False for a step that finds the customer's other names itself (the live migration's mapping):
   * it runs for the erased name only. Every other step runs once per name (`ErasureNames`).
   */
  eachName?: false;
}

/**
 * The same person under the gateway's other backend names (a live migration's `live`, source and
 * target ids), asked before the platform erasure, which forgets them. The gateway keeps records
 * under each name (events, sessions, kept answers), so each name is erased.
 */
export type ErasureNames = (subject: ErasureSubject) => Promise<ErasureName[]>;

/** One of those names: the backend and its id (the email and reference are the subject's). */
export type ErasureName = Pick<ErasureSubject, 'backend' | 'customerId'>;

/** What the gateway itself keeps about a customer in the shared store. */
export function gatewayErasureSteps(deps: {
  store: SharedStore;
  sessions: Sessions;
  resetTokens: ResetTokens;
}): ErasureStep[] {
  const { store, sessions, resetTokens } = deps;
  return [
    {
      where: 'gateway',
      what: 'shopper sessions (the customer is signed out everywhere)',
      erase: (s) => sessions.eraseAll(s.backend, s.customerId),
    },
    {
      where: 'gateway',
      what: 'Idempotency-Key records (kept answers about the customer)',
      erase: (s) =>
        deleteRecordsAbout(store, s.backend, [s.customerId, ...(s.externalRef ? [`ref:${s.externalRef}`] : [])]),
    },
    {
      where: 'gateway',
      what: 'password reset tokens',
      erase: (s) => resetTokens.revokeAll(s.backend, s.customerId),
    },
    {
      where: 'gateway',
      what: 'rate-limit counters keyed by the customer (failed logins, reset requests, request budget)',
      async erase(s) {
        const keys = await accountCounterKeys(s.backend, `customer:${s.customerId}`);
        if (s.email) keys.push(...(await accountCounterKeys(s.backend, s.email)));
        keys.push(callerBucketKey(await shopperCaller(s.backend, s.customerId)));
        if (s.email) keys.push(await resetEmailKey(s.backend, s.email));
        for (const key of keys) await store.delete(key);
        return undefined;
      },
    },
  ];
}
