import { blankSecrets } from './report.js';
import type { CustomerReport, MigrationResult, TimelineSample } from './types.js';

/** Rows beyond this are left to the JSON report: a browser would not open a million-row page. */
export const HTML_REPORT_ROWS = 5000;

const escapeHtml = (value: unknown) =>
  String(value).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** Customers per second between consecutive samples, at each interval's end. */
export function throughput(samples: TimelineSample[]): { seconds: number; perSecond: number }[] {
  return samples.slice(1).flatMap((s, i) => {
    const before = samples[i]!;
    const span = s.seconds - before.seconds;
    return span > 0 ? [{ seconds: s.seconds, perSecond: (s.done - before.done) / span }] : [];
  });
}

/** The throughput chart as inline SVG: no script, no external file, readable offline and printable. */
export function throughputSvg(samples: TimelineSample[], width = 720, height = 240): string {
  const points = throughput(samples);
  const pad = { left: 56, right: 16, top: 16, bottom: 40 };
  const maxX = Math.max(1, ...points.map((p) => p.seconds));
  const maxY = Math.max(1, ...points.map((p) => p.perSecond));
  const x = (s: number) => pad.left + (s / maxX) * (width - pad.left - pad.right);
  const y = (v: number) => height - pad.bottom - (v / maxY) * (height - pad.top - pad.bottom);
  const line = points.map((p) => `${x(p.seconds).toFixed(1)},${y(p.perSecond).toFixed(1)}`).join(' ');
  const label = `Throughput over time: up to ${maxY.toFixed(1)} customers per second over ${maxX.toFixed(0)} seconds`;
  return `<svg id="throughput" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(label)}">
  <title>${escapeHtml(label)}</title>
  <line x1="${pad.left}" y1="${height - pad.bottom}" x2="${width - pad.right}" y2="${height - pad.bottom}" stroke="#555"/>
  <line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${height - pad.bottom}" stroke="#555"/>
  <text x="${pad.left - 6}" y="${pad.top + 4}" text-anchor="end" font-size="11">${maxY.toFixed(1)}</text>
  <text x="${pad.left - 6}" y="${height - pad.bottom}" text-anchor="end" font-size="11">0</text>
  <text x="${width - pad.right}" y="${height - pad.bottom + 16}" text-anchor="end" font-size="11">${maxX.toFixed(0)} s</text>
  <text x="${(width + pad.left) / 2}" y="${height - 6}" text-anchor="middle" font-size="12">seconds since start</text>
  <text x="14" y="${(height - pad.bottom) / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 14 ${(height - pad.bottom) / 2})">customers/s</text>
  ${points.length ? `<polyline fill="none" stroke="#1f6feb" stroke-width="2" points="${line}"/>` : `<text x="${width / 2}" y="${height / 2}" text-anchor="middle">too short a run to chart</text>`}
</svg>`;
}

const COLUMNS: [keyof CustomerReport, string][] = [
  ['sourceId', 'source id'],
  ['email', 'email'],
  ['externalRef', 'reference'],
  ['outcome', 'outcome'],
  ['targetId', 'target id'],
];

function detail(c: CustomerReport): string {
  const parts = [
    c.reason,
    c.added?.length ? `added ${c.added.join(', ')}` : undefined,
    c.step ? `at ${c.step}: ${c.code}: ${c.detail}` : undefined,
    ...(c.errors ?? []).map((e) => `${e.path}: ${e.message}`),
    c.passwordCarried ? 'password kept' : c.passwordResetNeeded ? 'needs a password reset' : undefined,
    ...(c.notes ?? []),
  ];
  return parts
    .filter(Boolean)
    .map((p) => escapeHtml(p))
    .join('<br>');
}

/**
 * The --report page: summary, throughput chart and per-customer outcomes (failures first) in one
 * self-contained HTML file. Only the report's allow-listed fields appear (as in the JSON), and
 * credential values are blanked the same way.
 */
export function reportHtml(result: MigrationResult, secrets: string[] = []): string {
  const { counts } = result;
  const ordered = [
    ...result.customers.filter((c) => c.outcome === 'failed'),
    ...result.customers.filter((c) => c.outcome !== 'failed'),
  ];
  const shown = ordered.slice(0, HTML_REPORT_ROWS);
  const summary: [string, unknown][] = [
    ['read', counts.read],
    [result.dryRun ? 'would be created' : 'created', result.dryRun ? counts.wouldCreate : counts.created],
    ['completed (left half-done by an earlier run)', counts.completed],
    ['skipped', counts.skipped],
    ['failed', counts.failed],
    ['kept their password', counts.passwordsCarried],
    ['need a password reset', counts.passwordResetNeeded],
  ];
  const seconds = (Date.parse(result.finishedAt) - Date.parse(result.startedAt)) / 1000;
  const rows = shown
    .map(
      (c) =>
        `<tr class="${escapeHtml(c.outcome)}">${COLUMNS.map(([k]) => `<td>${escapeHtml(c[k] ?? '')}</td>`).join('')}<td>${detail(c)}</td></tr>`,
    )
    .join('\n');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Migration ${escapeHtml(result.source)} → ${escapeHtml(result.target)}${result.dryRun ? ' (dry run)' : ''}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }
tr.failed td { background: #fde8e8; } tr.completed td { background: #fff6dd; }
</style>
</head>
<body>
<h1>Migration ${escapeHtml(result.source)} → ${escapeHtml(result.target)}${result.dryRun ? ' (dry run)' : ''}</h1>
<p>Started ${escapeHtml(result.startedAt)}, finished ${escapeHtml(result.finishedAt)} (${seconds.toFixed(1)} s); ${result.complete ? 'the source was read to its end' : `stopped early${result.stoppedBy ? `: ${escapeHtml(result.stoppedBy.detail)}` : ' at the customer limit'}`}.</p>
<h2>Summary</h2>
<table id="summary">${summary.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>
${(result.pacing ?? []).map((p) => `<p class="pace">${escapeHtml(p.backend)}: budget ${p.limit} requests per ${p.windowSeconds} s; ${p.requests} requests, ${p.rateLimited} answered 429, ${p.waitedSeconds} s waited.</p>`).join('\n')}
${result.warnings.map((w) => `<p class="note">Note: ${escapeHtml(w)}</p>`).join('\n')}
<h2>Throughput</h2>
${throughputSvg(result.timeline)}
<h2>Customers</h2>
<p>${shown.length} of ${counts.read} customers${shown.length < counts.read ? ' (failures first; the JSON report has them all)' : ''}.</p>
<table id="customers">
<thead><tr>${COLUMNS.map(([, label]) => `<th>${label}</th>`).join('')}<th>details</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</body>
</html>
`;
  return blankSecrets(
    html,
    secrets.flatMap((s) => [s, escapeHtml(s)]),
  );
}
