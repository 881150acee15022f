import { z } from 'zod';
import { GatewayError, isNotFound } from '../../adapters/errors.js';
import { parsePosition } from '../../adapters/support.js';
import type { CallContext, CustomerAdapter } from '../../adapters/types.js';
import type { Address, AddressPatch } from '../../schemas/index.js';
import { LIVE_BACKEND } from './config.js';
import { parseLiveId, sourceAddressId, targetAddressId } from './ids.js';
import type { LiveParts, Located, Locator } from './locate.js';

type Mirror = (at: Located, ctx: CallContext, what: string, write: () => Promise<unknown>) => Promise<void>;

/** An address page's position: the side it was read from and that side's own position. */
const Position = z.object({ w: z.enum(['s', 't']), p: z.unknown() });

const addressNotFound = (id: string) => new GatewayError('not_found', `address ${id} does not exist`);
/** A platform's 404 names its own ids (the target's numbers): the caller is told the id it asked for. */
const asAsked =
  (addressId: string) =>
  (error: unknown): never => {
    throw isNotFound(error) ? addressNotFound(addressId) : error;
  };

/**
 * A customer's addresses on `live`: read where the customer lives; a write moves the customer
 * first, then applies to the target (and, in mirror mode, to the source's matching address).
 * Address ids are translated where the target numbered the moved addresses itself (ids.ts).
 */
export function addressOperations(
  { source, target, mover }: LiveParts,
  locator: Locator,
  present: (address: Address, at: Located) => Address,
  mirror: Mirror,
) {
  const renumbers = !target.capabilities.addressRename;
  const sourceRef = (at: Located) => ({ kind: 'id', id: at.sourceId! }) as const;
  const targetRef = (at: Located) => ({ kind: 'id', id: at.targetId! }) as const;

  /** The id the side holding the customer knows an address by. */
  function nativeAddressId(at: Located, addressId: string): string {
    if (at.where === 'target') {
      const id = targetAddressId(addressId, at.record);
      if (id === undefined) throw addressNotFound(addressId);
      return id;
    }
    if (!renumbers) return addressId;
    const side = parseLiveId(addressId);
    if (side.side === 'target') throw addressNotFound(addressId);
    return side.id;
  }

  /** The source's copy of a target address, for mirroring; a rename the source cannot do is left out. */
  const mirrored = (at: Located, targetAddress: string) => sourceAddressId(targetAddress, at.record);
  const forSource = (patch: AddressPatch): AddressPatch => {
    if (source.capabilities.addressRename || patch.id === undefined) return patch;
    const { id: _id, ...rest } = patch;
    return rest;
  };

  const operations: Pick<
    CustomerAdapter,
    'listAddresses' | 'getAddress' | 'createAddress' | 'updateAddress' | 'deleteAddress'
  > = {
    async listAddresses(ref, page, ctx) {
      const at = await locator.locate(ref, ctx);
      const w = at.where === 'source' ? 's' : 't';
      const position = parsePosition(Position, page.position, LIVE_BACKEND);
      // The customer moved between two pages: its list starts again where it lives now.
      const from = position?.w === w ? position.p : undefined;
      const side = at.where === 'source' ? source : target;
      const result = await side.listAddresses(
        at.where === 'source' ? sourceRef(at) : targetRef(at),
        {
          limit: page.limit,
          position: from,
        },
        ctx,
      );
      return {
        items: result.items.map((a) => present(a, at)),
        next: result.next === null || result.next === undefined ? null : { w, p: result.next },
        ...(result.total !== undefined ? { total: result.total } : {}),
      };
    },

    async getAddress(ref, addressId, ctx) {
      const at = await locator.locate(ref, ctx);
      const id = nativeAddressId(at, addressId);
      const found = await (at.where === 'source'
        ? source.getAddress(sourceRef(at), id, ctx)
        : target.getAddress(targetRef(at), id, ctx)
      ).catch(asAsked(addressId));
      return { value: present(found.value, at) };
    },

    async createAddress(ref, input, ctx) {
      const at = await locator.forWrite(ref, ctx);
      const created = await target.createAddress(targetRef(at), input, ctx);
      await mirror(at, ctx, 'createAddress', async () => {
        const copy = await source.createAddress(sourceRef(at), input, ctx);
        // Remember which source address mirrors it, so later writes reach it too.
        if (renumbers && at.sourceId !== undefined)
          await mover.amend(at.sourceId, ctx, (r) => ({ m: [...(r.m ?? []), [copy.value.id, created.value.id]] }));
      });
      return { value: present(created.value, at) };
    },

    async updateAddress(ref, addressId, patch, _opts, ctx) {
      const at = await locator.forWrite(ref, ctx);
      const id = nativeAddressId(at, addressId);
      const updated = await target.updateAddress(targetRef(at), id, patch, {}, ctx).catch(asAsked(addressId));
      const copy = mirrored(at, id);
      if (copy !== undefined)
        await mirror(at, ctx, 'updateAddress', () =>
          source.updateAddress(sourceRef(at), copy, forSource(patch), {}, ctx),
        );
      return { value: present(updated.value, at) };
    },
  };
  const deleteAddress: NonNullable<CustomerAdapter['deleteAddress']> = async (ref, addressId, ctx) => {
    const at = await locator.forWrite(ref, ctx);
    const id = nativeAddressId(at, addressId);
    await target.deleteAddress!(targetRef(at), id, ctx).catch(asAsked(addressId));
    const copy = mirrored(at, id);
    if (copy !== undefined)
      await mirror(at, ctx, 'deleteAddress', () => source.deleteAddress!(sourceRef(at), copy, ctx));
  };
  // Where the target cannot delete addresses, neither can `live` (capability addressDelete).
  return { ...operations, ...(target.capabilities.addressDelete ? { deleteAddress } : {}) };
}
