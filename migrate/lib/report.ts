import { REDACTED, redact } from '../../src/logging/redact.js';
import { isLossy } from './lossy.js';
import { checkOmitPaths } from './omit.js';
import type { CustomerReport, MigrationResult } from './types.js';

/** Report fields, in order: an allow-list, so nothing the adapters might add ever leaks into the file. */
export const CUSTOMER_FIELDS: (keyof CustomerReport)[] = [
  'sourceId',
  'email',
  'externalRef',
  'outcome',
  'targetId',
  'reason',
  'added',
  'step',
  'code',
  'detail',
  'errors',
  'created',
  'passwordResetNeeded',
  'passwordCarried',
  'notes',
];

const SECRET_NAME = /pass(word)?|secret|token|api[-_]?key|credential/i;

/** Values of settings that hold credentials (e.g. SCAYLE_ACCESS_TOKEN): these never appear in a report. */
export function secretValues(env: Record<string, string | undefined>): string[] {
  return Object.entries(env)
    .filter(([name, value]) => SECRET_NAME.test(name) && value !== undefined && value.length >= 6)
    .map(([, value]) => value!);
}

/**
 * The --report file: the result with customers reduced to the allow-listed fields. Passwords are
 * never read, so none can be in it; as a second line of defence, `created` (free-form, from the
 * adapters) goes through the log redaction and every credential value passed in `secrets` is
 * blanked wherever it occurs. It does hold emails: it is the list to send password resets to, so
 * treat it as personal data.
 */
export function reportJson(result: MigrationResult, secrets: string[] = []): string {
  const { head, tail } = reportJsonFrame(result, secrets);
  return `${head}${result.customers.map((c) => reportCustomerLine(c, secrets)).join(',\n')}${tail}`;
}

const CUSTOMERS_PLACEHOLDER = '\u0000customers\u0000';

/** Blanks the credential values, as they are written inside JSON strings. */
const blankJsonSecrets = (text: string, secrets: string[]) =>
  blankSecrets(
    text,
    secrets.map((secret) => JSON.stringify(secret).slice(1, -1)),
  );

/**
 * The report around its customers array, for a run that streams the customers into the file as
 * they finish (the CLI) rather than holding them: head + lines joined by ",\n" + tail is the report.
 */
export function reportJsonFrame(
  result: MigrationResult,
  secrets: string[] = [],
): { head: string; tail: string; afterCustomers: string } {
  const text = blankJsonSecrets(
    `${JSON.stringify({ ...result, customers: CUSTOMERS_PLACEHOLDER }, null, 2)}\n`,
    secrets,
  );
  const [before, after] = text.split(JSON.stringify(CUSTOMERS_PLACEHOLDER)) as [string, string];
  // The other keys, for a report whose customers went first (a stream): the summary without its "{".
  const { customers: _customers, ...summary } = result;
  const afterCustomers = blankJsonSecrets(`${JSON.stringify(summary, null, 2).slice(2)}\n`, secrets);
  return { head: `${before}[\n`, tail: `\n  ]${after}`, afterCustomers };
}

/** One customer of the report on one line: the allow-listed fields, `created` redacted, credentials blanked. */
export function reportCustomerLine(c: CustomerReport, secrets: string[] = []): string {
  const entry = Object.fromEntries(
    CUSTOMER_FIELDS.filter((k) => c[k] !== undefined).map((k) => [k, k === 'created' ? redact(c[k]) : c[k]]),
  );
  return `    ${blankJsonSecrets(JSON.stringify(entry), secrets)}`;
}

/** Every occurrence of each secret (as it is written in the text) blanked. */
export function blankSecrets(text: string, secrets: string[]): string {
  for (const secret of secrets) if (secret) text = text.split(secret).join(REDACTED);
  return text;
}

/**
 * Fields the target refused as unstorable, over all customers that failed to be created, with how
 * many customers and the target's reason: what to consider for --omit. `addresses.0.x` counts as
 * `addresses.x` and `groups.0` as `groups`, the form --omit takes.
 */
export function refusedFields(
  result: MigrationResult,
): { path: string; customers: number; message: string; omittable: boolean }[] {
  const found = new Map<string, { customers: number; message: string }>();
  for (const c of result.customers) {
    if (c.outcome !== 'failed' || c.code !== 'validation_failed' || c.step !== 'create') continue;
    const paths = new Set<string>();
    for (const e of c.errors ?? []) {
      const path = e.path
        .split('.')
        .filter((segment) => !/^\d+$/.test(segment))
        .join('.');
      if (!paths.has(path))
        paths.add(path),
          found.set(path, {
            customers: (found.get(path)?.customers ?? 0) + 1,
            message: found.get(path)?.message ?? e.message,
          });
    }
  }
  // Suggested for --omit only where the target has no place for the field at all: a value refused
  // for its length or form is the customer's to fix, and leaving the field out would drop it from
  // every customer (their names, their states).
  const platform = result.targetPlatform ?? result.target;
  return [...found]
    .map(([path, v]) => ({
      path,
      ...v,
      omittable: checkOmitPaths([path]).length === 0 && isLossy(platform, path),
    }))
    .sort((a, b) => b.customers - a.customers);
}

/** A few lines for the terminal once the run ends. */
export function summaryLines(result: MigrationResult): string[] {
  const { counts } = result;
  const lines = [
    `${result.dryRun ? 'dry run: ' : ''}${result.source} → ${result.target}: ${counts.read} read, ` +
      (result.dryRun ? `${counts.wouldCreate} would be created, ` : `${counts.created} created, `) +
      (counts.completed ? `${counts.completed} completed, ` : '') +
      `${counts.skipped} skipped, ${counts.failed} failed, ${counts.passwordResetNeeded} need a password reset` +
      (counts.passwordsCarried ? `, ${counts.passwordsCarried} kept their password` : ''),
  ];
  for (const c of result.customers.filter((c) => c.outcome === 'failed').slice(0, 20)) {
    lines.push(`  failed ${c.sourceId} <${c.email}> at ${c.step}: ${c.code}: ${c.detail}`);
  }
  if (counts.failed > 20) lines.push(`  … and ${counts.failed - 20} more (see the report)`);
  const refused = refusedFields(result);
  if (refused.length) {
    lines.push(`${result.target} refused these fields:`);
    for (const r of refused)
      lines.push(`  ${r.path} (${r.customers} customer${r.customers === 1 ? '' : 's'}): ${r.message}`);
    const omittable = refused.filter((r) => r.omittable && r.path !== 'addresses').map((r) => r.path);
    if (omittable.length)
      lines.push(`to migrate those customers without them (lossy), add: --omit ${omittable.join(',')}`);
    // The target wants a password we can never send (Open2b: only customers with one may log in).
    if (refused.some((r) => r.path === 'password'))
      lines.push('to create them without a password, inactive until they set one, add: --inactive');
  }
  if (result.dryRun && counts.wouldCreate > 0) {
    lines.push(
      'note: a dry run checks the canonical schema, address limits and what the target already holds; fields the target cannot store are only found when writing',
    );
  }
  for (const p of result.pacing ?? []) {
    lines.push(
      `pace ${p.backend}: budget ${p.limit} requests/${p.windowSeconds} s, ${p.requests} requests, ${p.rateLimited} answered 429, ${p.waitedSeconds} s waited for the budget`,
    );
  }
  for (const warning of result.warnings) lines.push(`note: ${warning}`);
  if (result.stoppedBy) lines.push(`stopped early: ${result.stoppedBy.detail}`);
  else if (!result.complete) lines.push('stopped at the customer limit');
  return lines;
}
