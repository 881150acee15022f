import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../adapters/errors.js';
import { parseEnv } from '../../src/env.js';

const refused = (env: Record<string, string>) => {
  try {
    parseEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
};

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
    expect(refused({ LIVE_MIGRATION: 'sfcc' }).variable).toBe('LIVE_MIGRATION');
    expect(refused({ LIVE_MIGRATION: 'sfcc->magento' }).message).toContain('magento');
    expect(refused({ LIVE_MIGRATION: 'sfcc->sfcc' }).variable).toBe('LIVE_MIGRATION');
    expect(refused({ LIVE_MIGRATION: 'sfcc->live' }).variable).toBe('LIVE_MIGRATION');
    expect(refused({ LIVE_MIGRATION: 'sfcc->scayle', LIVE_MIGRATION_PHASE: 'later' }).variable).toBe(
      'LIVE_MIGRATION_PHASE',
    );
    expect(refused({ LIVE_MIGRATION: 'sfcc->scayle', LIVE_MIGRATION_MIRROR: 'yes' }).variable).toBe(
      'LIVE_MIGRATION_MIRROR',
    );
    expect(
      refused({ LIVE_MIGRATION: 'sfcc->scayle', LIVE_MIGRATION_PHASE: 'target', LIVE_MIGRATION_MIRROR: 'on' }).variable,
    ).toBe('LIVE_MIGRATION_MIRROR');
    expect(refused({ LIVE_MIGRATION: 'sfcc->scayle', LIVE_MIGRATION_OMIT: 'email' }).variable).toBe(
      'LIVE_MIGRATION_OMIT',
    );
    expect(refused({ LIVE_MIGRATION_PHASE: 'target' }).variable).toBe('LIVE_MIGRATION_PHASE');
    expect(refused({ BACKENDS: 'live' }).variable).toBe('BACKENDS');
    expect(refused({ DEFAULT_BACKEND: 'live' }).variable).toBe('DEFAULT_BACKEND');
  });
});
