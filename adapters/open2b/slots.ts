import type { AddressCreate } from '../../schemas/index.js';
import { GatewayError } from '../errors.js';
import type { Slot } from './map.js';

/** Open2b's two-slot address model: which slot a new address takes, and the 409s when it cannot. */

const SLOT_CONFLICT = (customerId: string | undefined) =>
  new GatewayError(
    'conflict',
    `Open2b holds one billing and one shipping address per customer${customerId ? ` and customer ${customerId} has both` : ''}: update or delete one of them instead of adding another`,
    { errors: [{ path: 'addresses', message: 'Open2b holds one billing and one shipping address' }] },
  );

/**
 * Which slot a new address goes to: the one its defaults ask for (shipping-only → shipping,
 * default billing → billing), else billing if free, else shipping. An explicit `id` must name
 * a slot. A taken slot is a 409.
 */
export function slotFor(
  a: Pick<AddressCreate, 'id' | 'isDefaultBilling' | 'isDefaultShipping'>,
  taken: Record<Slot, boolean>,
  prefix: string,
  customerId?: string,
): Slot {
  let slot: Slot;
  if (a.id !== undefined) {
    if (a.id !== 'billing' && a.id !== 'shipping') {
      throw new GatewayError(
        'validation_failed',
        `${prefix}id must be "billing" or "shipping": Open2b's two address slots`,
        {
          errors: [{ path: `${prefix}id`, message: 'Open2b address ids are "billing" and "shipping"' }],
        },
      );
    }
    slot = a.id;
  } else if (a.isDefaultShipping && !a.isDefaultBilling) slot = 'shipping';
  else if (a.isDefaultBilling || !taken.billing) slot = 'billing';
  else slot = 'shipping';
  if (taken.billing && taken.shipping) throw SLOT_CONFLICT(customerId);
  if (taken[slot]) {
    const detail = customerId
      ? `customer ${customerId} already has a ${slot} address and Open2b holds one billing and one shipping address: update the ${slot} address instead`
      : `${prefix.slice(0, -1)} asks for the ${slot} address, which an earlier address already is: Open2b holds one billing and one shipping address`;
    // Without an id, only a default flag can have asked for a taken slot.
    const asked = a.id !== undefined ? 'id' : slot === 'billing' ? 'isDefaultBilling' : 'isDefaultShipping';
    throw new GatewayError('conflict', detail, {
      errors: [{ path: `${prefix}${asked}`, message: `the ${slot} slot is taken` }],
    });
  }
  if (slot === 'shipping' && a.isDefaultBilling) {
    throw new GatewayError(
      'validation_failed',
      `${prefix}isDefaultBilling: only Open2b's billing address is the default billing address`,
      {
        errors: [
          {
            path: `${prefix}isDefaultBilling`,
            message: 'only the billing address is the default billing address in Open2b',
          },
        ],
      },
    );
  }
  return slot;
}
