import { GatewayError, isGatewayError, isNotFound } from '../../adapters/errors.js';
import type { Capabilities, CallContext, CustomerAdapter, CustomerRef, PlatformErasure } from '../../adapters/types.js';
import { compact } from '../../adapters/support.js';
import { CAPABILITY_METHODS, type MethodCapability } from '../../adapters/unsupported.js';
import type { Address, Customer, CustomerPatch, PasswordChange } from '../../schemas/index.js';
import { migrationRef, sourceIdOfRef } from '../../migrate/lib/map.js';
import { customersWithEmail } from '../routes/recovery.js';
import type { SharedStore } from '../store/types.js';
import { addressOperations } from './addresses.js';
import { LIVE_BACKEND, type LiveMigrationConfig } from './config.js';
import { liveAddressId, sourceLiveId, targetLiveId } from './ids.js';
import { byRef, createLocator, type LiveParts, type Located } from './locate.js';
import { liveLogin, signsInAtSource } from './login.js';
import { createMover } from './mover.js';
import { liveCustomerList } from './list.js';
import type { IdentityMap } from './records.js';

export interface LiveAdapterOptions {
  config: LiveMigrationConfig;
  source: CustomerAdapter;
  target: CustomerAdapter;
  store: SharedStore;
  /** How long one move may hold its lease, and how long another mover waits for it. */
  leaseTtlMs: number;
  waitMs: number;
  /** The pair's identity map (the one the erasure step and the status route use too). */
  identities: IdentityMap;
}

/** A not_found failure as a value, for the caller to weigh; any other failure is thrown on. */
const notFound = (error: unknown): GatewayError => {
  if (isNotFound(error)) return error;
  throw error;
};

/** What `live` can do: what the target can, and in `dual` what needs the source too. */
export function liveCapabilities(
  config: LiveMigrationConfig,
  source: Capabilities,
  target: Capabilities,
): Capabilities {
  const dual = config.phase === 'dual';
  return {
    listCustomers: target.listCustomers && (!dual || source.listCustomers),
    // The union of two lists is not counted cheaply; after cut-over the target's list is all of it.
    totalCount: !dual && target.totalCount,
    // Derived from what `live` answers, so an ETag read before a move is checked against that version.
    etag: false,
    customerDelete: target.customerDelete,
    addressDelete: target.addressDelete,
    addressRename: target.addressRename,
    externalRefLookup: target.externalRefLookup && (!dual || source.externalRefLookup),
    passwordChange: target.passwordChange,
    // The target verifies; in `dual` the source verifies whoever the target cannot, and the password moves.
    shopperLogin: target.shopperLogin || (dual && source.shopperLogin && target.passwordChange),
    // A guest would be converted where it lives, which a move then copies: not offered while moving.
    guestConversion: false,
    // Erasure reaches every platform that may hold the customer: in `dual` both.
    erasure: target.erasure && (!dual || source.erasure),
    // The union list filtered by change time needs both sides while moving.
    listByUpdatedSince: target.listByUpdatedSince && (!dual || source.listByUpdatedSince),
    ...(target.maxAddresses !== undefined ? { maxAddresses: target.maxAddresses } : {}),
  };
}

/**
 * What to do instead where `live` cannot: the target's hint, else the source's (in `dual` some
 * capabilities need both platforms), else the pair named.
 */
function liveHints(source: CustomerAdapter, target: CustomerAdapter, capabilities: Capabilities) {
  const hints: Partial<Record<keyof Capabilities, string>> = { ...target.capabilityHints };
  for (const capability of Object.keys(CAPABILITY_METHODS) as MethodCapability[]) {
    if (capabilities[capability] || hints[capability]) continue;
    hints[capability] =
      source.capabilityHints?.[capability] ??
      `not while customers move from ${source.backend} to ${target.backend} (see docs/live-migration.md)`;
  }
  return hints;
}

/**
 * The `live` backend: one customer API over a shop moving from `source` to `target`. Customers
 * are read where they live, moved on their first write or sign-in, and keep the ids clients know
 * (src/live/ids.ts). See docs/live-migration.md.
 */
export function createLiveAdapter(options: LiveAdapterOptions): CustomerAdapter {
  const { config, source, target } = options;
  const dual = config.phase === 'dual';
  const { identities } = options;
  const mover = createMover({ ...options, omit: config.omit, createInactive: config.createInactive });
  const parts: LiveParts = { config, source, target, identities, mover };
  const locator = createLocator(parts);
  const capabilities = liveCapabilities(config, source.capabilities, target.capabilities);

  const liveId = (at: Located) => (at.sourceId !== undefined ? sourceLiveId(at.sourceId) : targetLiveId(at.targetId!));
  const presentAddress = (address: Address, at: Located): Address =>
    at.where === 'target'
      ? { ...address, id: liveAddressId(address.id, at.record) }
      : target.capabilities.addressRename
        ? address
        : { ...address, id: sourceLiveId(address.id) };

  /**
   * `<source>:<id>` references are the migration's own link from a moved customer to its source
   * customer: one given to another customer would make it that source customer's moved copy (its
   * reads, its sign-ins, its password) for whoever registered it.
   */
  function refuseMigrationRef(externalRef: string | null | undefined): void {
    if (typeof externalRef === 'string' && sourceIdOfRef(externalRef, source.backend) !== undefined)
      throw new GatewayError(
        'validation_failed',
        `externalRef ${source.backend}:… is the live migration's link to a ${source.backend} customer`,
        { errors: [{ path: 'externalRef', message: `must not start with "${source.backend}:"` }] },
      );
  }

  /** The customer as `live` shows it: its live id, where it lives, the migration's reference hidden. */
  function present(customer: Customer, at: Located): Customer {
    const { externalRef, addresses, ...rest } = customer;
    const shownRef =
      at.sourceId !== undefined && externalRef === migrationRef({ id: at.sourceId }, source.backend)
        ? undefined
        : externalRef;
    const state = at.where === 'source' ? 'source' : at.sourceId !== undefined ? 'moved' : 'target';
    // Moved without a password (by a write, before any sign-in): they sign in with the source's (login.ts).
    const passwordAtSource = state === 'moved' && at.record?.sp === true && signsInAtSource(parts, at.record);
    return {
      ...rest,
      ...(passwordAtSource ? { hasPassword: true } : {}),
      id: liveId(at),
      ...(shownRef !== undefined ? { externalRef: shownRef } : {}),
      ...(addresses ? { addresses: addresses.map((a) => presentAddress(a, at)) } : {}),
      migration: {
        state,
        ...(at.sourceId !== undefined ? { sourceId: at.sourceId } : {}),
        ...(at.targetId !== undefined ? { targetId: at.targetId } : {}),
      },
    };
  }

  /** Mirror mode: a write to a moved customer is applied to the source too; a failure is logged and counted. */
  async function mirror(at: Located, ctx: CallContext, what: string, write: () => Promise<unknown>) {
    if (!dual || at.sourceId === undefined || !config.mirror) return;
    try {
      await write();
    } catch (error) {
      ctx.log.warn(
        { sourceId: at.sourceId, op: what, code: isGatewayError(error) ? error.code : 'internal' },
        'live migration: mirroring a write to the source failed',
      );
      await identities.count('mirrorFailures');
    }
  }

  const sideOf = (at: Located): [CustomerAdapter, CustomerRef] =>
    at.where === 'source' ? [source, { kind: 'id', id: at.sourceId! }] : [target, { kind: 'id', id: at.targetId! }];

  async function read(at: Located, expandAddresses: boolean, ctx: CallContext): Promise<Customer> {
    if (at.found && (at.found.addresses || !expandAddresses)) {
      const { addresses, ...rest } = at.found.value;
      return expandAddresses ? { ...rest, addresses } : rest;
    }
    const [adapter, ref] = sideOf(at);
    try {
      return (await adapter.getCustomer(ref, { expandAddresses }, ctx)).value;
    } catch (error) {
      // A moved customer deleted on the target behind the gateway's back: gone.
      // (The platform's message names its own id: the caller is told the one it knows.)
      if (isGatewayError(error) && error.code === 'not_found')
        throw new GatewayError('not_found', `customer ${liveId(at)} does not exist`);
      throw error;
    }
  }

  /**
   * What changes on a moved customer's source copy before the target, so the two never disagree
   * where it matters: what they sign in with, where the source checks their sign-ins (liveLogin;
   * a refusal there fails the request, or the new email would not sign in), and in `dual` the
   * reference that links the copies (a lost store finds the moved one by the source's, locate.ts).
   * Answers how to put the source back should the target then refuse.
   */
  async function changeSourceFirst(at: Located, patch: CustomerPatch, ctx: CallContext): Promise<() => Promise<void>> {
    const nothing = async () => {};
    if (at.sourceId === undefined) return nothing;
    const first: CustomerPatch = signsInAtSource(parts, at.record)
      ? compact({ email: patch.email, login: patch.login })
      : {};
    if (dual && patch.externalRef !== undefined) first.externalRef = patch.externalRef;
    if (Object.keys(first).length === 0) return nothing;
    const onSource = { kind: 'id', id: at.sourceId } as const;
    let before: Customer;
    try {
      before = (await source.getCustomer(onSource, { expandAddresses: false }, ctx)).value;
    } catch (error) {
      if (isNotFound(error)) return nothing; // gone from the source: nothing there to keep in step
      throw error;
    }
    await source.updateCustomer(onSource, first, {}, ctx);
    const undo: CustomerPatch = compact({
      email: 'email' in first ? before.email : undefined,
      login: 'login' in first ? before.login : undefined,
    });
    if ('externalRef' in first) undo.externalRef = before.externalRef ?? null;
    if (Object.keys(undo).length === 0) return nothing;
    return async () => {
      await source.updateCustomer(onSource, undo, {}, ctx).catch((error: unknown) => {
        ctx.log.warn(
          { err: error, sourceId: at.sourceId },
          'live migration: the target refused a change the source had taken, and putting the source back failed',
        );
      });
    };
  }

  /**
   * While the source still serves (`dual`), an email or reference a registration or a PATCH gives
   * must not be another source customer's: that customer's next touch would find this one by it
   * and be merged into it (its reads, its sign-in, its addresses). Its own source copy may hold it.
   */
  async function assertFreeOnSource(
    ownSourceId: string | undefined,
    patch: Pick<CustomerPatch, 'email' | 'externalRef'>,
    ctx: CallContext,
  ): Promise<void> {
    if (!dual) return;
    const other = (found: Customer | undefined) => found !== undefined && found.id !== ownSourceId;
    if (typeof patch.externalRef === 'string' && other(await byRef(source, patch.externalRef, ctx)))
      throw new GatewayError('conflict', `a customer with this externalRef exists on ${source.backend}`, {
        errors: [{ path: 'externalRef', message: 'already used' }],
      });
    if (
      typeof patch.email === 'string' &&
      source.capabilities.listCustomers &&
      (await customersWithEmail(source, patch.email, ctx, 2)).some((found) => other(found))
    )
      throw new GatewayError('conflict', `a customer with this email exists on ${source.backend}`, {
        errors: [{ path: 'email', message: 'already registered' }],
      });
  }

  /** A problem that names what a create already wrote names it by its live id. */
  const withLiveCreated = (error: unknown) => {
    if (!isGatewayError(error) || typeof error.created?.customerId !== 'string') return error;
    const created = { ...error.created, customerId: targetLiveId(error.created.customerId) };
    return new GatewayError(error.code, error.message, { errors: error.errors, upstream: error.upstream, created });
  };

  const setPassword: NonNullable<CustomerAdapter['setPassword']> = async (ref, change, ctx) => {
    const at = await locator.forWrite(ref, ctx);
    if (at.sourceId === undefined) return writePassword(at, change, ctx);
    const sourceId = at.sourceId;
    // Under the customer's lease, as a sign-in's carrying of the password it verified at the source
    // (login.ts): that carry lands before this change or sees it and stays away, never after it.
    await mover.exclusive(sourceId, ctx, async () => {
      await writePassword(at, change, ctx);
      await mover.amendHeld(sourceId, () => ({ pw: true }));
    });
  };

  async function writePassword(at: Located, change: PasswordChange, ctx: CallContext): Promise<void> {
    const onTarget = { kind: 'id', id: at.targetId! } as const;
    const onSource = { kind: 'id', id: at.sourceId! } as const;
    const sourceSide = dual && at.sourceId !== undefined && source.capabilities.passwordChange;
    const targetHolds = target.capabilities.shopperLogin && at.record?.pw === true;
    if (change.currentPassword !== undefined && sourceSide && !targetHolds) {
      // The source still holds the current password: it checks it (and takes the new one).
      await source.setPassword!(onSource, change, ctx);
      await target.setPassword!(onTarget, { password: change.password }, ctx);
    } else if (sourceSide && !target.capabilities.shopperLogin) {
      // The target cannot check sign-ins, so the source does: a new password it did not take is no
      // change at all (sign-ins would go on with the old one), so its failure fails the request.
      await source.setPassword!(onSource, { password: change.password }, ctx);
      await target.setPassword!(onTarget, change, ctx);
    } else {
      await target.setPassword!(onTarget, change, ctx);
      await mirror(at, ctx, 'setPassword', () => source.setPassword!(onSource, { password: change.password }, ctx));
    }
  }

  /**
   * A source that cannot delete (SFCC's Shop API) keeps its copy: deactivated, so that if the
   * store that remembers the delete were lost, the copy could not sign in (and move back) again.
   * Best effort: the delete stands on the target and in the store either way.
   */
  async function deactivateOnSource(sourceId: string, ctx: CallContext) {
    try {
      await source.updateCustomer({ kind: 'id', id: sourceId }, { active: false }, {}, ctx);
    } catch (error) {
      ctx.log.warn(
        { sourceId, code: isGatewayError(error) ? error.code : 'internal' },
        'live migration: deactivating a deleted customer on the source failed',
      );
    }
  }

  const deleteCustomer: NonNullable<CustomerAdapter['deleteCustomer']> = async (ref, ctx) => {
    let at = await locator.locate(ref, ctx, true);
    if (at.where === 'source' && source.capabilities.customerDelete) {
      // Under the customer's move lease, and remembered as deleted: a batch run that listed the
      // customer before (or is moving it now) would otherwise create it on the target afterwards.
      const sourceId = at.sourceId!;
      const deleted = await mover.exclusive(sourceId, ctx, async () => {
        if ((await identities.get(sourceId))?.state === 'moved') return false;
        await source.deleteCustomer!({ kind: 'id', id: sourceId }, ctx);
        await identities.put(sourceId, { state: 'deleted' });
        return true;
      });
      if (deleted) return;
    }
    // Moved (meanwhile, perhaps), or a source that cannot delete: the customer moves, is deleted on
    // the target, and is remembered as deleted.
    if (at.where === 'source') at = await locator.forWrite(ref, ctx);
    // Gone from the target already (an earlier attempt, or this one's own lost answer, deleted it):
    // the rest is still done, so no copy on the source and no `moved` entry outlives it; the
    // route then decides whether the `not_found` was this request's own delete.
    const gone = await target.deleteCustomer!({ kind: 'id', id: at.targetId! }, ctx).then(() => undefined, notFound);
    if (at.sourceId !== undefined) {
      // Deleted everywhere it can be, so neither a roll-back nor a lost store brings it back.
      if (dual && source.capabilities.customerDelete)
        await source.deleteCustomer!({ kind: 'id', id: at.sourceId }, ctx).catch(notFound);
      else if (dual) await deactivateOnSource(at.sourceId, ctx);
      // Under the customer's lease, and counted once: of two deletes of one customer (both may get
      // this far now that a target already gone does not stop them), only the one that finds it
      // `moved` counts it out. `moved` counts the customers that live on the target now.
      const sourceId = at.sourceId;
      await mover.exclusive(sourceId, ctx, async () => {
        const wasMoved = (await identities.get(sourceId))?.state === 'moved';
        await identities.put(sourceId, { state: 'deleted' });
        if (wasMoved) await identities.count('moved', -1);
      });
    }
    if (gone) throw gone;
  };

  /**
   * Erasure: the source first (in `dual` the shop's orders live there, so a refusal for open
   * orders comes before anything is erased), then the target, then the identity map. A moved
   * customer's copy on the source is erased too; after cut-over the source is not called (erase
   * there through its own backend, docs/live-migration.md).
   */
  const eraseCustomer: NonNullable<CustomerAdapter['eraseCustomer']> = async (ref, ctx) => {
    const at = await locator.locate(ref, ctx, true);
    const done: PlatformErasure[] = [];
    if (dual && at.sourceId !== undefined) done.push(await source.eraseCustomer!({ kind: 'id', id: at.sourceId }, ctx));
    if (at.targetId !== undefined) done.push(await target.eraseCustomer!({ kind: 'id', id: at.targetId }, ctx));
    if (at.sourceId !== undefined && at.targetId !== undefined) await identities.count('moved', -1);
    if (at.sourceId !== undefined) await identities.forget('source', at.sourceId);
    else if (at.targetId !== undefined) await identities.forget('target', at.targetId);
    return {
      outcome: done.some((d) => d.outcome === 'anonymized') ? 'anonymized' : 'deleted',
      detail: done.map((d) => d.detail).join('; then '),
    };
  };

  const adapter: CustomerAdapter = {
    backend: LIVE_BACKEND,
    capabilities,
    capabilityHints: liveHints(source, target, capabilities),

    ...(capabilities.listCustomers ? { listCustomers: liveCustomerList(parts, locator, present) } : {}),

    async getCustomer(ref, { expandAddresses }, ctx) {
      const at = await locator.locate(ref, ctx);
      return { value: present(await read(at, expandAddresses, ctx), at) };
    },

    async canonicalId(id, ctx) {
      // A customer not found has no other names: the write itself then answers what it answers.
      return locator.locate({ kind: 'id', id }, ctx).then(liveId, (error: unknown) => {
        if (isNotFound(error)) return id;
        throw error;
      });
    },

    async createCustomer(input, ctx) {
      refuseMigrationRef(input.externalRef);
      // Registration: the email (and a reference) must be free on both platforms; the customer is born on the target.
      await assertFreeOnSource(undefined, input, ctx);
      const created = await target.createCustomer(input, ctx).catch((error: unknown) => {
        throw withLiveCreated(error);
      });
      await identities.markNative(created.value.id);
      return { value: present(created.value, { where: 'target', targetId: created.value.id }) };
    },

    async updateCustomer(ref, patch, _opts, ctx) {
      refuseMigrationRef(patch.externalRef);
      const at = await locator.forWrite(ref, ctx);
      await assertFreeOnSource(at.sourceId, patch, ctx);
      const putBack = await changeSourceFirst(at, patch, ctx);
      // A cleared reference leaves the target the made-up one: the link stays (present() hides it).
      const linked =
        at.sourceId !== undefined && patch.externalRef === null
          ? { ...patch, externalRef: migrationRef({ id: at.sourceId }, source.backend) }
          : patch;
      const updated = await target
        .updateCustomer({ kind: 'id', id: at.targetId! }, linked, {}, ctx)
        .catch(async (error: unknown) => {
          await putBack();
          throw error;
        });
      await mirror(at, ctx, 'updateCustomer', () =>
        source.updateCustomer({ kind: 'id', id: at.sourceId! }, patch, {}, ctx),
      );
      return { value: present(updated.value, at) };
    },

    ...(capabilities.passwordChange ? { setPassword } : {}),
    ...(capabilities.customerDelete ? { deleteCustomer } : {}),
    ...(capabilities.erasure ? { eraseCustomer } : {}),
    ...addressOperations(parts, locator, presentAddress, mirror),
    ...(capabilities.shopperLogin ? { authenticateShopper: liveLogin(parts, locator) } : {}),
  };
  if (target.importPasswordHash) {
    adapter.importPasswordHash = async (ref, hash, ctx) => {
      const at = await locator.forWrite(ref, ctx);
      await target.importPasswordHash!({ kind: 'id', id: at.targetId! }, hash, ctx);
    };
  }
  return adapter;
}
