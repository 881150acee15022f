import { ConfigError } from '../adapters/errors.js';
import { commaList } from '../adapters/options.js';
import { backendDefinitions } from '../adapters/registry.js';
import type { BackendDefinition } from '../adapters/types.js';
import {
  type BackendEntry,
  instanceVariable,
  isInstance,
  renameVariables,
  variablePrefix,
} from '../adapters/variables.js';

/**
 * BACKENDS entries: a platform's name (`scayle`), which reads the platform's own variables
 * (`SCAYLE_SHOP_KEY`), or an instance of a platform, `<name>:<platform>` (`brand-a:scayle`), which
 * reads the same variables under its own prefix (`BRAND_A_SHOP_KEY`) and is its own backend for
 * routes, cursors, sessions, budgets, idempotency records and logs.
 */
export type { BackendEntry } from '../adapters/variables.js';
export { instanceVariable, isInstance, variablePrefix } from '../adapters/variables.js';

/** Lower case, digits and `-`, starting with a letter: it becomes a path segment and a variable prefix. */
const NAME = /^[a-z][a-z0-9-]{0,31}$/;

const definitionOf = (entry: BackendEntry): BackendDefinition => backendDefinitions[entry.platform]!;

/** The name a BACKENDS entry (`brand-a:scayle`, `sfcc`) serves under. */
export const entryName = (entry: string): string => entry.split(':')[0]!.trim();

/** BACKENDS' entries (`sfcc`, `brand-a:scayle`, as commaList splits them); throws ConfigError('BACKENDS') naming what is wrong. */
export function parseBackendEntries(items: string[]): BackendEntry[] {
  const known = Object.keys(backendDefinitions);
  const entries = items.map((text): BackendEntry => {
    const [name = '', platform = name, extra] = text.split(':').map((part) => part.trim());
    if (!backendDefinitions[platform] || extra !== undefined)
      throw new ConfigError(
        'BACKENDS',
        `unknown backend "${text}" (known: ${known.join(', ')}; an instance of one is <name>:<platform>)`,
      );
    if (name !== platform && (!NAME.test(name) || backendDefinitions[name]))
      throw new ConfigError(
        'BACKENDS',
        `"${name}" cannot name an instance: use 1-32 lower-case letters, digits or -, starting with a letter, and no platform's name`,
      );
    return { name, platform };
  });
  if (entries.length === 0) throw new ConfigError('BACKENDS', 'names no backend');
  const seen = new Map<string, string>();
  for (const entry of entries) {
    if (entries.filter((e) => e.name === entry.name).length > 1)
      throw new ConfigError('BACKENDS', `names "${entry.name}" twice`);
    for (const variable of variablesOf(entry)) {
      const other = seen.get(variable);
      if (other)
        throw new ConfigError('BACKENDS', `${entry.name} and ${other} would both read ${variable}; rename one of them`);
      seen.set(variable, entry.name);
    }
  }
  return entries;
}

/** The variables an entry reads, by its own names (for a definition without a list: none known). */
function variablesOf(entry: BackendEntry): string[] {
  return (definitionOf(entry).variables ?? []).map((v) => instanceVariable(v, entry));
}

/**
 * The environment as the platform's `parseOptions` reads it for this entry: the instance's
 * `BRAND_A_X` as `SCAYLE_X`, and none of the platform's own variables (an instance never falls
 * back on them). A plain entry reads the environment as it is.
 */
export function platformView(
  env: Record<string, string | undefined>,
  entry: BackendEntry,
): Record<string, string | undefined> {
  if (!isInstance(entry)) return env;
  const platformPrefix = variablePrefix(entry.platform);
  const ownPrefix = variablePrefix(entry.name);
  const view: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(env)) if (!key.startsWith(platformPrefix)) view[key] = value;
  const listed = definitionOf(entry).variables;
  if (listed) for (const variable of listed) view[variable] = env[instanceVariable(variable, entry)];
  else
    for (const [key, value] of Object.entries(env))
      if (key.startsWith(ownPrefix)) view[`${platformPrefix}${key.slice(ownPrefix.length)}`] = value;
  return view;
}

/** Runs `parse` (the platform's option parser) so that a ConfigError names the instance's variable. */
export function asInstance<T>(entry: BackendEntry, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof ConfigError) || !isInstance(entry)) throw error;
    const reason = error.message.slice(error.variable.length + 2);
    throw new ConfigError(instanceVariable(error.variable, entry), renameVariables(reason, entry));
  }
}

/** Only the entries of BACKENDS that `names` name (the migration builds two): `brand-a:scayle`, or the name as given. */
export function selectEntries(backends: string | undefined, names: string[]): string {
  const entries = commaList(backends);
  return names.map((name) => entries.find((e) => entryName(e) === name) ?? name).join(',');
}
