import { REDACTED, redact } from '../logging/redact.js';
import type { CustomerReport, MigrationResult } from './types.js';

/** Report fields, in order: an allow-list, so nothing the adapters might add ever leaks into the file. */
const CUSTOMER_FIELDS: (keyof CustomerReport)[] = [
  'sourceId', 'email', 'externalRef', 'outcome', 'targetId', 'reason', 'step', 'code', 'detail', 'errors', 'created', 'passwordResetNeeded', 'notes',
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
  const customers = result.customers.map((c) =>
    Object.fromEntries(CUSTOMER_FIELDS.filter((k) => c[k] !== undefined).map((k) => [k, k === 'created' ? redact(c[k]) : c[k]])),
  );
  let text = `${JSON.stringify({ ...result, customers }, null, 2)}\n`;
  for (const secret of secrets) text = text.split(JSON.stringify(secret).slice(1, -1)).join(REDACTED);
  return text;
}

/** A few lines for the terminal once the run ends. */
export function summaryLines(result: MigrationResult): string[] {
  const { counts } = result;
  const lines = [
    `${result.dryRun ? 'dry run: ' : ''}${result.source} → ${result.target}: ${counts.read} read, ` +
      (result.dryRun ? `${counts.wouldCreate} would be created, ` : `${counts.created} created, `) +
      `${counts.skipped} skipped, ${counts.failed} failed, ${counts.passwordResetNeeded} need a password reset`,
  ];
  for (const c of result.customers.filter((c) => c.outcome === 'failed').slice(0, 20)) {
    lines.push(`  failed ${c.sourceId} <${c.email}> at ${c.step}: ${c.code}: ${c.detail}`);
  }
  if (counts.failed > 20) lines.push(`  … and ${counts.failed - 20} more (see the report)`);
  for (const warning of result.warnings) lines.push(`note: ${warning}`);
  if (result.stoppedBy) lines.push(`stopped early: ${result.stoppedBy.detail}`);
  else if (!result.complete) lines.push('stopped at the customer limit');
  return lines;
}
