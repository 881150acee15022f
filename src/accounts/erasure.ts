import { capable } from '../../adapters/unsupported.js';
import { GatewayError, isGatewayError, isNotFound } from '../../adapters/errors.js';
import type { CallContext, CustomerAdapter, CustomerRef, PlatformErasure } from '../../adapters/types.js';
import type { Customer, ErasureReport, ErasureStepReport } from '../../schemas/index.js';
import type { Context } from 'hono';
import type { GatewayEnv } from '../context.js';
import type { GatewayDeps } from '../deps.js';
import type { ErasureName, ErasureSubject } from './erasure-steps.js';

/** Copies an erasure through the gateway cannot reach; the report says so every time. */
export const NOT_REACHED = [
  "the platform's backups and its own logs (erased on the platform's retention schedule)",
  "orders and invoices on the platform (kept for the merchant's legal retention; SCAYLE anonymises the customer on them)",
  'copies already delivered to event consumers and webhook receivers (they receive customer.erased and must erase theirs)',
  "the gateway's log lines (request metadata and ids; request bodies too at LOG_LEVEL=debug; kept for the log retention)",
];

export interface ErasureRequest {
  adapter: CustomerAdapter;
  backend: string;
  ref: CustomerRef;
  /** The customer `ref` names, where the caller read it already (it is not read again). */
  customer?: Customer;
  call: CallContext;
  /** The data-subject request's reference, for the report and the audit line. */
  reference?: string;
  /** The request: `customer.erased` is delivered after its answer (Workers keep running for it). */
  http?: Context<GatewayEnv>;
}

/**
 * GDPR Art. 17 through the gateway: the platform erases the customer in its own way first (a
 * platform that refuses, e.g. for open orders, answers 409 and nothing at all is erased), then
 * every erasure step clears what the gateway keeps, and `customer.erased` (ids only) goes out. The
 * report lists each step. A step that fails does not stop the others; the answer then says what
 * is left, and the same request again finishes it (a customer the platform no longer has is
 * still cleared from the gateway by its id).
 */
export async function eraseCustomer(deps: GatewayDeps, request: ErasureRequest): Promise<ErasureReport> {
  const { adapter, backend, ref, call } = request;
  const erase = capable(adapter, 'erasure');
  const found =
    request.customer ??
    (await adapter.getCustomer(ref, { expandAddresses: false }, call).then(
      (read) => read.value,
      (error: unknown) => {
        if (isNotFound(error) && ref.kind === 'id') return undefined;
        throw error;
      },
    ));
  const subject: ErasureSubject = found
    ? { backend, customerId: found.id, email: found.email, externalRef: found.externalRef }
    : { backend, customerId: (ref as { id: string }).id };

  // Asked now: the platform erasure below forgets how the names map (live migration). Kept before
  // anything is erased, so a store that cannot keep them fails the request while nothing is.
  const otherNames = await otherNamesOf(deps, subject);
  await keepNames(deps, subject, otherNames);

  const platform: PlatformErasure | undefined = found
    ? await erase({ kind: 'id', id: subject.customerId }, call).catch((error: unknown) => {
        if (isNotFound(error)) return undefined;
        throw error;
      })
    : undefined;
  const steps: ErasureStepReport[] = [
    platform
      ? { where: 'platform', what: `the ${backend} customer and its addresses`, ...platform }
      : { where: 'platform', what: `the ${backend} customer`, outcome: 'not found', detail: 'nothing to erase there' },
  ];

  const failures: { what: string; error: unknown }[] = [];
  for (const step of deps.accounts.erasureSteps) {
    try {
      let count: number | undefined;
      let failed: { error: unknown } | undefined;
      // One name failing does not keep the step from the others; the step is reported failed.
      for (const name of step.eachName === false ? [subject] : [subject, ...otherNames]) {
        const erased = await step.erase(name, call).catch((error: unknown) => {
          failed ??= { error };
          return undefined;
        });
        if (erased !== undefined) count = (count ?? 0) + erased;
      }
      if (failed) throw failed.error;
      steps.push({
        where: step.where,
        what: step.what,
        outcome: count === 0 ? 'nothing held' : 'erased',
        ...(count === undefined ? {} : { count }),
      });
    } catch (error) {
      failures.push({ what: `${step.where}: ${step.what}`, error });
      steps.push({ where: step.where, what: step.what, outcome: 'failed' });
    }
  }
  // Consumers may hold the customer under any of its names: each gets its own customer.erased.
  for (const name of [subject, ...otherNames])
    await deps.accounts.events
      .emit({ type: 'customer.erased', backend: name.backend, customerId: name.customerId }, call.log, request.http)
      .catch((error: unknown) => failures.push({ what: `the customer.erased event (${name.backend})`, error }));

  // Finished: a retry has nothing left to find under any name.
  if (failures.length === 0 && otherNames.length > 0)
    await Promise.all([subject, ...otherNames].map((name) => deps.store.delete(namesKey(name)))).catch(() => undefined);

  const report: ErasureReport = {
    backend,
    customerId: subject.customerId,
    erasedAt: new Date().toISOString(),
    ...(request.reference ? { reference: request.reference } : {}),
    steps,
    notReached: NOT_REACHED,
  };
  // The audit line: ids and outcomes only.
  call.log.info(
    {
      backend,
      customerId: subject.customerId,
      reference: request.reference,
      steps: steps.map((s) => `${s.where} ${s.what.split(' (')[0]}: ${s.outcome}`),
    },
    failures.length === 0 ? 'customer erased' : 'customer erasure incomplete',
  );
  if (failures.length > 0) {
    const first = failures[0]!.error;
    throw new GatewayError(
      isGatewayError(first) ? first.code : 'internal',
      `the customer is erased on the platform, but not yet from: ${failures.map((f) => f.what).join('; ')}; send the same request again to finish`,
      { retryAfter: 1, cause: first },
    );
  }
  return report;
}

/** How long an unfinished erasure keeps the customer's names (from its last attempt), for the retry that finishes it. */
const NAMES_KEEP_MS = 30 * 24 * 3_600_000;
const namesKey = (name: ErasureName) =>
  `erasure:names:${encodeURIComponent(name.backend)}:${encodeURIComponent(name.customerId)}`;

/**
 * The customer's other names (a live migration's), from the features that know them, and from an
 * earlier attempt of this erasure: the platform erasure and the live-mapping step forget how the
 * names map, so an attempt that failed half-way keeps them (`keepNames`) until one finishes.
 */
async function otherNamesOf(deps: GatewayDeps, subject: ErasureSubject): Promise<ErasureSubject[]> {
  const asked = (await Promise.all(deps.accounts.erasureNames.map((names) => names(subject)))).flat();
  const earlier = await deps.store.get(namesKey(subject));
  const kept = earlier === undefined ? [] : (JSON.parse(earlier) as ErasureName[]);
  // The same person: the same email and reference (a move carries both).
  const { email, externalRef } = subject;
  const names = new Map<string, ErasureSubject>();
  for (const name of [...kept, ...asked]) {
    if (name.backend === subject.backend && name.customerId === subject.customerId) continue;
    names.set(`${name.backend}\n${name.customerId}`, {
      ...(email === undefined ? {} : { email }),
      ...(externalRef ? { externalRef } : {}),
      ...name,
    });
  }
  return [...names.values()];
}

/**
 * Keeps every name (ids only) for a retry of this erasure, under each name, since the retry may
 * come through another one (first `live`, then the target). A platform that refuses the erasure
 * leaves them to lapse: an earlier attempt through another name may still need them.
 */
async function keepNames(deps: GatewayDeps, subject: ErasureSubject, names: ErasureSubject[]): Promise<void> {
  if (names.length === 0) return;
  const ids = [subject, ...names].map(({ backend, customerId }) => ({ backend, customerId }));
  const value = JSON.stringify(ids);
  await Promise.all(ids.map((name) => deps.store.set(namesKey(name), value, NAMES_KEEP_MS)));
}
