import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { TracingConfig } from './config.js';

/**
 * OTLP/HTTP over the runtime's fetch, for Workers: the OpenTelemetry project's own serializers
 * (JSON or protobuf), sent with `fetch`. The project's browser exporter sends with fetch options
 * a Worker has no use for (`keepalive`, CORS `mode`) and budgets for a browser's keepalive quota;
 * this sends one plain POST per batch, awaited under the request's `waitUntil`.
 */
export function createFetchSpanExporter(config: TracingConfig, send: typeof fetch = fetch): SpanExporter {
  const json = config.protocol === 'http/json';
  const serializer = json ? JsonTraceSerializer : ProtobufTraceSerializer;
  const headers = { ...config.headers, 'content-type': json ? 'application/json' : 'application/x-protobuf' };
  const pending = new Set<Promise<void>>();
  const post = async (body: Uint8Array): Promise<ExportResult> => {
    try {
      const response = await send(config.url, {
        method: 'POST',
        headers,
        body: body as Uint8Array<ArrayBuffer>,
        signal: AbortSignal.timeout(config.timeoutMs),
      });
      await response.body?.cancel();
      return response.ok
        ? { code: ExportResultCode.SUCCESS }
        : { code: ExportResultCode.FAILED, error: new Error(`the collector answered ${response.status}`) };
    } catch (error) {
      return { code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) };
    }
  };
  return {
    export(spans, done) {
      const body = serializer.serializeRequest(spans);
      if (!body) return done({ code: ExportResultCode.FAILED, error: new Error('the spans could not be serialised') });
      const sent = post(body).then(done);
      pending.add(sent);
      void sent.finally(() => pending.delete(sent));
    },
    forceFlush: async () => {
      await Promise.all(pending);
    },
    shutdown: async () => {
      await Promise.all(pending);
    },
  };
}
