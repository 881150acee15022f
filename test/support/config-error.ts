import { expect } from 'vitest';
import { ConfigError } from '../../adapters/errors.js';
import { parseEnv } from '../../src/env.js';

/** The ConfigError parseEnv throws for `env`; fails the test when it throws nothing or something else. */
export function configError(env: Record<string, string>): ConfigError {
  try {
    parseEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}
