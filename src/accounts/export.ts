import type { CallContext, CustomerAdapter, CustomerRef } from '../../adapters/types.js';
import type { CustomerExport } from '../../schemas/index.js';
import type { GatewayDeps } from '../deps.js';
import { allAddresses } from '../routes/recovery.js';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * GDPR Art. 15/20: one JSON document (schema `CustomerExport`) with everything held about the
 * customer through the gateway: the profile and every address as the platform holds them, the
 * shopper sessions still alive (when they started and were last used; never a token), and the
 * events about the customer still held for delivery.
 */
export async function exportCustomer(
  deps: GatewayDeps,
  request: { adapter: CustomerAdapter; backend: string; ref: CustomerRef; call: CallContext; session?: string },
): Promise<CustomerExport> {
  const { adapter, backend, ref, call } = request;
  const { addresses: _inline, ...customer } = (await adapter.getCustomer(ref, { expandAddresses: false }, call)).value;
  const byId: CustomerRef = { kind: 'id', id: customer.id };
  const sessions = await deps.sessions.list(backend, customer.id);
  return {
    format: 'customer-gateway.export/v1',
    exportedAt: new Date().toISOString(),
    backend,
    customer,
    addresses: await allAddresses(adapter, byId, call),
    sessions: sessions.map((s) => ({
      startedAt: iso(s.startedAt),
      lastUsedAt: iso(s.lastUsedAt),
      ...(s.sid === request.session ? { current: true } : {}),
    })),
    events: (await deps.accounts.events.heldAbout?.(backend, customer.id)) ?? [],
  };
}
