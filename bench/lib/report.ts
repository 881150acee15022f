import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Measurement {
  scenario: string;
  target: string;
  rps: number;
  p50: number;
  p99: number;
  /** non-2xx answers plus socket errors and timeouts. */
  failures: number;
  /** CPU time the server (process tree) spent per answered request: robust to a busy machine. */
  cpuUsPerRequest: number;
}

const COLOURS: Record<string, string> = {
  'customer-gateway': '#d9480f',
  'express+axios': '#1c7ed6',
  'node:http+undici': '#2b8a3e',
};

/** A small grouped bar chart of req/s: one group per scenario, one bar per target. */
export function barChart(measurements: Measurement[], targets: string[], title: string): string {
  const scenarios = [...new Set(measurements.map((m) => m.scenario))];
  const shown = measurements.filter((m) => targets.includes(m.target));
  const max = Math.max(1, ...shown.map((m) => m.rps));
  const [width, height, top, bottom, left] = [760, 320, 40, 60, 60];
  const groupWidth = (width - left - 20) / scenarios.length;
  const barWidth = Math.min(60, (groupWidth - 30) / targets.length);
  const y = (rps: number) => top + (height - top - bottom) * (1 - rps / max);
  const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${left}" y="22" font-size="14" font-weight="bold">${esc(title)}</text>`,
    `<line x1="${left}" y1="${height - bottom}" x2="${width - 20}" y2="${height - bottom}" stroke="#333"/>`,
    `<text x="12" y="${top + 4}">${Math.round(max)}</text><text x="12" y="${height - bottom}">0 req/s</text>`,
  ];
  scenarios.forEach((scenario, g) => {
    const x0 = left + g * groupWidth + 15;
    targets.forEach((target, i) => {
      const m = shown.find((s) => s.scenario === scenario && s.target === target);
      if (!m) return;
      const x = x0 + i * barWidth;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y(m.rps).toFixed(1)}" width="${(barWidth - 4).toFixed(1)}" height="${(height - bottom - y(m.rps)).toFixed(1)}" fill="${COLOURS[target] ?? '#888'}"/>`,
      );
      parts.push(
        `<text x="${(x + barWidth / 2 - 2).toFixed(1)}" y="${(y(m.rps) - 4).toFixed(1)}" text-anchor="middle" font-size="10">${Math.round(m.rps)}</text>`,
      );
    });
    parts.push(
      `<text x="${(x0 + (barWidth * targets.length) / 2).toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle">${esc(scenario)}</text>`,
    );
  });
  targets.forEach((target, i) => {
    const x = left + i * 170;
    parts.push(
      `<rect x="${x}" y="${height - 24}" width="12" height="12" fill="${COLOURS[target] ?? '#888'}"/><text x="${x + 16}" y="${height - 14}">${esc(target)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Writes `<name>.json` and `<name>.svg` under bench/results/. */
export function writeResults(dir: string, name: string, json: unknown, svg: string) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(join(dir, `${name}.svg`), `${svg}\n`);
}

export function table(measurements: Measurement[], ratioOf: (m: Measurement) => string): string {
  const rows = measurements.map(
    (m) =>
      `| ${m.scenario} | ${m.target} | ${Math.round(m.rps)} | ${m.p50} | ${m.p99} | ${m.cpuUsPerRequest} | ${m.failures} | ${ratioOf(m)} |`,
  );
  return [
    '| scenario | target | req/s | p50 ms | p99 ms | CPU µs/req | failures | gateway req/s ratio |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
