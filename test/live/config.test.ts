import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../adapters/errors.js';
import { parseEnv } from '../../src/env.js';

/** The variable a refused configuration names; undefined when it is accepted. */
function refusedVariable(env: Record<string, string>): string | undefined {
  try {
    parseEnv(env);
    return undefined;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.variable;
  }
}

describe('LIVE_MIGRATION configuration', () => {
  it('adds the two sides to BACKENDS when they are left out, and serves live (also as the default)', () => {
    const config = parseEnv({ BACKENDS: 'memory', LIVE_MIGRATION: 'sfcc->scayle', DEFAULT_BACKEND: 'live' });
    expect(config.backends.map((b) => b.name)).toEqual(['memory', 'sfcc', 'scayle']);
    expect(config.defaultBackend).toBe('live');
    expect(config.liveMigration).toEqual({
      source: 'sfcc',
      target: 'scayle',
      phase: 'dual',
      mirror: false,
      omit: [],
      createInactive: false,
    });
    const cutOver = parseEnv({ LIVE_MIGRATION: 'open2b -> scapi', LIVE_MIGRATION_PHASE: 'target', BACKENDS: 'live' });
    expect(cutOver.backends.map((b) => b.name)).toEqual(['open2b', 'scapi']);
    expect(cutOver.liveMigration).toMatchObject({ source: 'open2b', target: 'scapi', phase: 'target' });
    expect(
      parseEnv({ LIVE_MIGRATION: 'sfcc->open2b', LIVE_MIGRATION_OMIT: 'groups, salutation' }).liveMigration?.omit,
    ).toEqual(['groups', 'salutation']);
  });

  it('refuses a bad value at start, naming the variable', () => {
    const refused: [Record<string, string>, string][] = [
      [{ LIVE_MIGRATION: 'sfcc' }, 'LIVE_MIGRATION'],
      [{ LIVE_MIGRATION: 'sfcc->sfcc' }, 'LIVE_MIGRATION'],
      [{ LIVE_MIGRATION: 'sfcc->live' }, 'LIVE_MIGRATION'],
      [{ LIVE_MIGRATION: 'sfcc->scayle', LIVE_MIGRATION_PHASE: 'later' }, 'LIVE_MIGRATION_PHASE'],
      [{ LIVE_MIGRATION: 'sfcc->scayle', LIVE_MIGRATION_MIRROR: 'yes' }, 'LIVE_MIGRATION_MIRROR'],
      [
        { LIVE_MIGRATION: 'sfcc->scayle', LIVE_MIGRATION_PHASE: 'target', LIVE_MIGRATION_MIRROR: 'on' },
        'LIVE_MIGRATION_MIRROR',
      ],
      [{ LIVE_MIGRATION: 'sfcc->scayle', LIVE_MIGRATION_OMIT: 'email' }, 'LIVE_MIGRATION_OMIT'],
      [{ LIVE_MIGRATION_PHASE: 'target' }, 'LIVE_MIGRATION_PHASE'],
      [{ BACKENDS: 'live' }, 'BACKENDS'],
      [{ DEFAULT_BACKEND: 'live' }, 'DEFAULT_BACKEND'],
    ];
    for (const [env, variable] of refused) expect(refusedVariable(env), JSON.stringify(env)).toBe(variable);
    expect(() => parseEnv({ LIVE_MIGRATION: 'sfcc->magento' })).toThrow(/unknown backend "magento"/);
  });
});
