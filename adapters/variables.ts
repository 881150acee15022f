/**
 * How a BACKENDS entry names its variables. A platform reads its own (`SCAYLE_SHOP_KEY`); an
 * instance `brand-a:scayle` reads the same ones under its own prefix (`BRAND_A_SHOP_KEY`).
 * See src/instances.ts.
 */
export interface BackendEntry {
  /** What routes, cursors, sessions, budgets and logs know the backend by: `brand-a`, or the platform's name. */
  name: string;
  platform: string;
}

export const isInstance = (entry: BackendEntry) => entry.name !== entry.platform;

/** `SCAYLE_` for scayle, `BRAND_A_` for brand-a. */
export const variablePrefix = (name: string) => `${name.toUpperCase().replaceAll('-', '_')}_`;

/** A platform variable as an entry names it: SCAYLE_SHOP_KEY → BRAND_A_SHOP_KEY (unchanged for a plain entry). */
export function instanceVariable(variable: string, entry: BackendEntry): string {
  const platformPrefix = variablePrefix(entry.platform);
  if (!isInstance(entry) || !variable.startsWith(platformPrefix)) return variable;
  return `${variablePrefix(entry.name)}${variable.slice(platformPrefix.length)}`;
}

/** Platform variable names in a text (an error's detail) as the entry names them. */
export function renameVariables(text: string, entry: BackendEntry): string {
  if (!isInstance(entry)) return text;
  const pattern = new RegExp(`\\b${variablePrefix(entry.platform)}[A-Z0-9_]+\\b`, 'g');
  return text.replace(pattern, (variable) => instanceVariable(variable, entry));
}
