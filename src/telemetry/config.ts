import { z } from 'zod';
import { ConfigError } from '../../adapters/errors.js';
import { parseEnvSlice } from '../../adapters/options.js';

export type TracesSampler =
  | 'always_on'
  | 'always_off'
  | 'traceidratio'
  | 'parentbased_always_on'
  | 'parentbased_always_off'
  | 'parentbased_traceidratio';

/** Where and how spans are exported (the OpenTelemetry SDK's standard variables, read by us). */
export interface TracingConfig {
  /** The full OTLP/HTTP traces URL (…/v1/traces). */
  url: string;
  protocol: 'http/protobuf' | 'http/json';
  /** OTEL_EXPORTER_OTLP_HEADERS (+ _TRACES_HEADERS): sent with every export; may hold a secret. */
  headers: Record<string, string>;
  timeoutMs: number;
  serviceName: string;
  /** OTEL_RESOURCE_ATTRIBUTES, service.name excluded (it is `serviceName`). */
  resourceAttributes: Record<string, string>;
  sampler: TracesSampler;
  /** The ratio of the *traceidratio samplers, 0…1. */
  samplerRatio: number;
  /** OTEL_BSP_*: the batch span processor. */
  batch: {
    scheduledDelayMillis: number;
    maxQueueSize: number;
    maxExportBatchSize: number;
    exportTimeoutMillis: number;
  };
}

const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
const RATIO_SAMPLERS: readonly TracesSampler[] = ['traceidratio', 'parentbased_traceidratio'];
const millis = (fallback: number) => z.coerce.number().int().min(1).max(600_000).default(fallback);
const count = (fallback: number) => z.coerce.number().int().min(1).max(1_000_000).default(fallback);
const endpoint = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });
const protocol = z.enum(['http/protobuf', 'http/json', 'grpc']);

const OtelEnv = z.object({
  OTEL_SDK_DISABLED: z.enum(['true', 'false']).default('false'),
  OTEL_TRACES_EXPORTER: z.enum(['otlp', 'none']).default('otlp'),
  OTEL_EXPORTER_OTLP_ENDPOINT: endpoint.optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: endpoint.optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: protocol.optional(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol.optional(),
  OTEL_EXPORTER_OTLP_HEADERS: z.string().optional(),
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: z.string().optional(),
  OTEL_EXPORTER_OTLP_TIMEOUT: millis(10_000),
  OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: z.coerce.number().int().min(1).max(600_000).optional(),
  OTEL_SERVICE_NAME: z.string().max(256).optional(),
  OTEL_RESOURCE_ATTRIBUTES: z.string().optional(),
  OTEL_TRACES_SAMPLER: z.enum(SAMPLERS).default('parentbased_always_on'),
  OTEL_TRACES_SAMPLER_ARG: z.string().optional(),
  OTEL_BSP_SCHEDULE_DELAY: millis(5_000),
  OTEL_BSP_MAX_QUEUE_SIZE: count(2_048),
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: count(512),
  OTEL_BSP_EXPORT_TIMEOUT: millis(30_000),
});

/**
 * `key1=value1,key2=value2` with percent-encoded values (the W3C Baggage form the OTEL_*_HEADERS
 * and OTEL_RESOURCE_ATTRIBUTES variables use). A bad entry names the variable, never the value.
 */
function keyValueList(variable: string, text: string | undefined): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const entry of (text ?? '').split(',')) {
    if (entry.trim() === '') continue;
    const at = entry.indexOf('=');
    const key = at > 0 ? entry.slice(0, at).trim() : '';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key))
      throw new ConfigError(variable, 'must be a comma list of key=value (values percent-encoded)');
    try {
      pairs[key] = decodeURIComponent(entry.slice(at + 1).trim());
    } catch {
      throw new ConfigError(variable, 'has a value that is not valid percent-encoding');
    }
  }
  return pairs;
}

/** OTEL_EXPORTER_OTLP_ENDPOINT is a base: the traces path is appended to it (the spec's rule). */
const tracesUrl = (base: string) => `${base.replace(/\/+$/, '')}/v1/traces`;

/**
 * Pure: the tracing configuration from the standard OTEL_* variables, or undefined when traces
 * are off (no endpoint, OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none). Read by us rather
 * than by the SDK, so Workers (whose variables are bindings, not process.env) read them the same
 * way and a bad value is a ConfigError at start, not a silent SDK warning.
 */
export function parseTracingEnv(env: Record<string, string | undefined>): TracingConfig | undefined {
  const otel = parseEnvSlice(OtelEnv, env);
  const url =
    otel.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    (otel.OTEL_EXPORTER_OTLP_ENDPOINT ? tracesUrl(otel.OTEL_EXPORTER_OTLP_ENDPOINT) : undefined);
  if (!url || otel.OTEL_SDK_DISABLED === 'true' || otel.OTEL_TRACES_EXPORTER === 'none') return undefined;
  const protocolVariable = otel.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL
    ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'
    : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const chosen = otel.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? otel.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
  if (chosen === 'grpc')
    throw new ConfigError(
      protocolVariable,
      'grpc is not supported; use http/protobuf or http/json (an OpenTelemetry Collector takes both on port 4318)',
    );
  const resource = keyValueList('OTEL_RESOURCE_ATTRIBUTES', otel.OTEL_RESOURCE_ATTRIBUTES);
  const { 'service.name': resourceServiceName, ...resourceAttributes } = resource;
  return {
    url,
    protocol: chosen,
    headers: {
      ...keyValueList('OTEL_EXPORTER_OTLP_HEADERS', otel.OTEL_EXPORTER_OTLP_HEADERS),
      ...keyValueList('OTEL_EXPORTER_OTLP_TRACES_HEADERS', otel.OTEL_EXPORTER_OTLP_TRACES_HEADERS),
    },
    timeoutMs: otel.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT ?? otel.OTEL_EXPORTER_OTLP_TIMEOUT,
    serviceName: otel.OTEL_SERVICE_NAME ?? resourceServiceName ?? 'customer-gateway',
    resourceAttributes,
    sampler: otel.OTEL_TRACES_SAMPLER,
    samplerRatio: samplerRatio(otel.OTEL_TRACES_SAMPLER, otel.OTEL_TRACES_SAMPLER_ARG),
    batch: {
      scheduledDelayMillis: otel.OTEL_BSP_SCHEDULE_DELAY,
      maxQueueSize: otel.OTEL_BSP_MAX_QUEUE_SIZE,
      maxExportBatchSize: Math.min(otel.OTEL_BSP_MAX_EXPORT_BATCH_SIZE, otel.OTEL_BSP_MAX_QUEUE_SIZE),
      exportTimeoutMillis: otel.OTEL_BSP_EXPORT_TIMEOUT,
    },
  };
}

/** OTEL_TRACES_SAMPLER_ARG: the ratio (default 1) of the ratio samplers; ignored by the others, as the spec says. */
function samplerRatio(sampler: TracesSampler, arg: string | undefined): number {
  if (!RATIO_SAMPLERS.includes(sampler) || arg === undefined || arg.trim() === '') return 1;
  const ratio = Number(arg);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1)
    throw new ConfigError('OTEL_TRACES_SAMPLER_ARG', `must be a ratio between 0 and 1 for ${sampler}`);
  return ratio;
}
