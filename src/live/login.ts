import { GatewayError, isGatewayError } from '../../adapters/errors.js';
import { type CustomerAdapter, WRONG_CREDENTIALS } from '../../adapters/types.js';
import { sourceLiveId, targetLiveId } from './ids.js';
import { hasCode, type LiveParts, type Locator, unreachable } from './locate.js';
import type { MoveRecord } from './records.js';

const wrong = () => new GatewayError('unauthorized', WRONG_CREDENTIALS);

type Pair = Pick<LiveParts, 'config' | 'source' | 'target'>;

/** Whether the source verifies the sign-ins the target cannot (in `dual`; the password then moves to the target). */
const sourceVerifiesSignIns = ({ config, source, target }: Pair) =>
  config.phase === 'dual' && source.capabilities.shopperLogin && target.capabilities.passwordChange;

/** Whether the source checks this moved customer's sign-ins: the target verifies only a password it holds. */
export const signsInAtSource = (pair: Pair, record: MoveRecord | undefined) =>
  sourceVerifiesSignIns(pair) && !(pair.target.capabilities.shopperLogin && record?.pw === true);

/**
 * Sign-in on `live`, the lazy migration of passwords: where the target can verify passwords and
 * holds this shopper's, the target verifies. Otherwise (not moved yet, moved without a password,
 * or a target that cannot verify) the source verifies; on success the customer moves and the same
 * password is set on the target, the platform's own way (`setPassword`). Every failure is the one
 * 401 the gateway always gives.
 */
export function liveLogin(
  { config, source, target, identities, mover }: LiveParts,
  locator: Locator,
): NonNullable<CustomerAdapter['authenticateShopper']> {
  const targetVerifies = target.capabilities.shopperLogin;
  const sourceVerifies = sourceVerifiesSignIns({ config, source, target });

  return async (credentials, ctx) => {
    let targetDown: unknown;
    if (targetVerifies) {
      try {
        const { customerId } = await target.authenticateShopper!(credentials, ctx);
        const at = await locator.locate({ kind: 'id', id: targetLiveId(customerId) }, ctx);
        return { customerId: at.sourceId !== undefined ? sourceLiveId(at.sourceId) : targetLiveId(customerId) };
      } catch (error) {
        // Target down: shoppers not moved yet can still sign in at the source.
        if (unreachable(error)) targetDown = error;
        else if (!hasCode(error, 'unauthorized')) throw error;
        if (!sourceVerifies) throw error;
      }
    }
    if (!sourceVerifies) throw wrong();
    const { customerId: sourceId } = await source.authenticateShopper!(credentials, ctx);
    const known = await identities.get(sourceId);
    // The target holds a password set since the move (and refused this one, or could not be asked):
    // the source's is out of date.
    if (targetVerifies && known?.state === 'moved' && known.pw) throw targetDown ?? wrong();
    await identities.count('loginsVerifiedAtSource');
    let record = known?.state === 'moved' ? known : undefined;
    try {
      record ??= await mover.move(sourceId, ctx);
    } catch (error) {
      if (hasCode(error, 'not_found')) throw wrong();
      // The shopper proved who they are: signed in where they live now; the move is tried again next time.
      ctx.log.warn(
        { sourceId, code: isGatewayError(error) ? error.code : 'internal' },
        'live migration: move at sign-in failed',
      );
      return { customerId: sourceLiveId(sourceId) };
    }
    if (!record.pw) {
      const onTarget = { kind: 'id', id: record.t! } as const;
      let changedMeanwhile: MoveRecord | undefined;
      try {
        // Under the customer's lease, which a password change through `live` holds while it writes:
        // one made since this sign-in was verified has marked the record (answered here), and the
        // old password stays away.
        changedMeanwhile = await mover.exclusive(sourceId, ctx, async () => {
          const now = await identities.get(sourceId);
          if (now?.state === 'moved' && now.pw) return now;
          await target.setPassword!(onTarget, { password: credentials.password }, ctx);
          // Moved inactive for want of a password (LIVE_MIGRATION_INACTIVE): it has one now.
          if (config.createInactive) await target.updateCustomer(onTarget, { active: true }, {}, ctx);
          await mover.amendHeld(sourceId, () => ({ pw: true }));
          await identities.count('passwordsCarried');
          return undefined;
        });
      } catch (error) {
        // The shopper proved who they are: the sign-in stands; the next one tries again.
        ctx.log.warn(
          { sourceId, code: isGatewayError(error) ? error.code : 'internal' },
          'live migration: setting the password on the target failed',
        );
      }
      // The password changed since this sign-in was verified: what it verified may be the old one.
      // Whoever checks this customer's sign-ins now decides.
      if (changedMeanwhile) {
        const verifier = signsInAtSource({ config, source, target }, changedMeanwhile) ? source : target;
        await verifier.authenticateShopper!(credentials, ctx).catch((error: unknown) => {
          throw hasCode(error, 'unauthorized') ? wrong() : error;
        });
      }
    }
    return { customerId: sourceLiveId(sourceId) };
  };
}
