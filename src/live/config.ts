import { ConfigError } from '../../adapters/errors.js';
import { commaList } from '../../adapters/options.js';
import { checkOmitPaths } from '../../migrate/lib/omit.js';

/** The name the live migration is served under: /v1/backends/live/… */
export const LIVE_BACKEND = 'live';

/** `dual`: both platforms are called; `target`: cut over, the source is never called again. */
export type LivePhase = 'dual' | 'target';

export interface LiveMigrationConfig {
  source: string;
  target: string;
  phase: LivePhase;
  /** LIVE_MIGRATION_MIRROR=on: writes to moved customers are also applied to the source during `dual`. */
  mirror: boolean;
  /** LIVE_MIGRATION_OMIT: fields left out of a move because the target cannot store them (as `--omit`). */
  omit: string[];
  /** LIVE_MIGRATION_INACTIVE=on: customers moved without a password are created inactive (as `--inactive`, for Open2b). */
  createInactive: boolean;
}

const onOff = (env: Record<string, string | undefined>, variable: string): boolean => {
  const value = env[variable]?.trim().toLowerCase();
  if (value === undefined || value === '' || value === 'off') return false;
  if (value === 'on') return true;
  throw new ConfigError(variable, 'must be on or off');
};

/**
 * LIVE_MIGRATION=<source>-><target> and its companions. Pure: undefined when unset, else the typed
 * configuration, or a ConfigError naming the variable. `known` are the backend names there are
 * definitions for; `live` itself cannot be either side.
 */
export function parseLiveMigrationEnv(
  env: Record<string, string | undefined>,
  known: readonly string[],
): LiveMigrationConfig | undefined {
  const spec = env.LIVE_MIGRATION?.trim();
  const companions = [
    'LIVE_MIGRATION_PHASE',
    'LIVE_MIGRATION_MIRROR',
    'LIVE_MIGRATION_OMIT',
    'LIVE_MIGRATION_INACTIVE',
  ];
  if (!spec) {
    const stray = companions.find((name) => env[name]?.trim());
    if (stray) throw new ConfigError(stray, 'has no effect without LIVE_MIGRATION=<source>-><target>');
    return undefined;
  }
  const match = /^([a-z0-9_-]+)\s*->\s*([a-z0-9_-]+)$/.exec(spec);
  if (!match) throw new ConfigError('LIVE_MIGRATION', 'must be <source>-><target>, e.g. sfcc->scayle');
  const [, source, target] = match as unknown as [string, string, string];
  for (const name of [source, target]) {
    if (!known.includes(name) || name === LIVE_BACKEND)
      throw new ConfigError('LIVE_MIGRATION', `unknown backend "${name}" (known: ${known.join(', ')})`);
  }
  if (source === target) throw new ConfigError('LIVE_MIGRATION', 'source and target must be different backends');
  const phase = env.LIVE_MIGRATION_PHASE?.trim() || 'dual';
  if (phase !== 'dual' && phase !== 'target') throw new ConfigError('LIVE_MIGRATION_PHASE', 'must be dual or target');
  const mirror = onOff(env, 'LIVE_MIGRATION_MIRROR');
  if (mirror && phase === 'target')
    throw new ConfigError('LIVE_MIGRATION_MIRROR', 'cannot be on in phase target (the source is no longer called)');
  const omit = commaList(env.LIVE_MIGRATION_OMIT);
  const problems = checkOmitPaths(omit);
  if (problems.length) throw new ConfigError('LIVE_MIGRATION_OMIT', `cannot omit ${problems.join('; ')}`);
  return { source, target, phase, mirror, omit, createInactive: onOff(env, 'LIVE_MIGRATION_INACTIVE') };
}
