/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for tests: it throws on any
 * line the format does not allow, on a sample of an undeclared family, and on a histogram whose
 * buckets are not cumulative or whose `+Inf` bucket is not its count. (The parser libraries on npm
 * drop the labels of labelled histograms, which is what the gateway exposes.)
 */

export interface Series {
  labels: Record<string, string>;
  /** A counter's or gauge's value; a histogram's count. */
  value: number;
  /** Histograms: bucket upper bound → cumulative count. */
  buckets?: Map<string, number>;
  sum?: number;
}

export interface MetricFamily {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help: string;
  series: Series[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\\\\n]|\\\\[\\\\"n])*)"';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL},?)*)\\})? (\\S+)(?: -?\\d+)?$`);
const LABELS = new RegExp(LABEL, 'g');
const COMMENT = new RegExp(`^# (HELP|TYPE) (${NAME}) ?(.*)$`);
const VALUE = /^(-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?|[+-]Inf|NaN)$/i;

const unescapeLabel = (value: string) => value.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));

export function parsePrometheusText(text: string): MetricFamily[] {
  const families = new Map<string, MetricFamily>();
  const familyOf = (sample: string) => {
    for (const suffix of ['', '_bucket', '_sum', '_count']) {
      if (!sample.endsWith(suffix)) continue;
      const family = families.get(sample.slice(0, sample.length - suffix.length));
      if (family && (suffix === '' || family.type === 'histogram' || family.type === 'summary'))
        return { family, suffix };
    }
    throw new Error(`sample ${sample} of no declared family`);
  };
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const comment = COMMENT.exec(line);
    if (comment) {
      const [, kind, name, rest] = comment as unknown as [string, string, string, string];
      const family = families.get(name) ?? { name, type: 'untyped' as const, help: '', series: [] };
      families.set(name, family);
      if (kind === 'HELP') family.help = rest;
      else if (['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest))
        family.type = rest as MetricFamily['type'];
      else throw new Error(`unknown type in: ${line}`);
      continue;
    }
    const sample = SAMPLE.exec(line);
    if (!sample || !VALUE.test(sample[5]!)) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (sample[2] ?? '').matchAll(LABELS)) labels[key!] = unescapeLabel(value!);
    const { family, suffix } = familyOf(sample[1]!);
    const value = Number(sample[5]);
    const { le, ...own } = labels;
    const key = JSON.stringify(own);
    let series = family.series.find((s) => JSON.stringify(s.labels) === key);
    if (!series) {
      series = { labels: own, value: Number.NaN };
      family.series.push(series);
    }
    if (suffix === '_bucket') {
      if (le === undefined) throw new Error(`bucket without le: ${line}`);
      series.buckets ??= new Map();
      series.buckets.set(le, value);
    } else if (suffix === '_sum') series.sum = value;
    else series.value = value;
  }
  for (const family of families.values())
    for (const series of family.series.filter(() => family.type === 'histogram')) {
      const counts = [...(series.buckets ?? new Map<string, number>()).values()];
      if (counts.some((count, i) => i > 0 && count < counts[i - 1]!))
        throw new Error(`${family.name}: buckets not cumulative`);
      if (series.buckets?.get('+Inf') !== series.value) throw new Error(`${family.name}: +Inf bucket is not the count`);
    }
  return [...families.values()];
}
