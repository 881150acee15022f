import { instanceVariable } from '../../adapters/variables.js';

/**
 * An emulator's connection variables (SCAYLE_BASE_URL, …) as instance `name` of `platform` reads
 * them (BRAND_A_BASE_URL, …): what an operator writes for a second shop of one platform.
 */
export function asInstanceEnv(name: string, platform: string, env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([key, value]) => [instanceVariable(key, { name, platform }), value]),
  );
}
