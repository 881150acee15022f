import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';

/**
 * The OpenTelemetry project's OTLP/HTTP trace exporters, by OTEL_EXPORTER_OTLP_PROTOCOL. Imported
 * statically here (and this module lazily by node.ts): these packages are CommonJS, and the
 * bundle maps a CommonJS package's named exports only for a static import (a dynamic import of one
 * sees its `module.exports` as `default` alone).
 */
export const otlpTraceExporters = { 'http/json': OtlpJsonExporter, 'http/protobuf': OtlpProtobufExporter } as const;
