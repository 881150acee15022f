import type { Log } from '../../adapters/types.js';
import type { TracingConfig } from './config.js';
import type { Tracing } from './tracing.js';

/**
 * Tracing on Node, with the OpenTelemetry project's OTLP/HTTP exporters (JSON or protobuf, as
 * OTEL_EXPORTER_OTLP_PROTOCOL says). Imported by node.ts only when an endpoint is set, so a
 * gateway without OTEL_* never loads the SDK.
 */
export async function startNodeTracing(
  config: TracingConfig,
  options: { log: Log; serviceVersion: string },
): Promise<Tracing> {
  const { otlpTraceExporters } = await import('./otlp-exporters.js');
  const { createOtelTracing } = await import('./otel.js');
  const exporter = new otlpTraceExporters[config.protocol]({
    url: config.url,
    headers: config.headers,
    timeoutMillis: config.timeoutMs,
  });
  return createOtelTracing(config, exporter, options);
}
