import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Child, startGateway, startTsServer } from './processes.js';
import type { Measurement } from './report.js';

interface Target {
  name: string;
  origin: string;
  pid: number;
}

/**
 * bench:compare's tracing part: one scenario on the gateway without OTEL_* (no OpenTelemetry code
 * loaded) and on one exporting every span (request, upstream attempt, store call) to an OTLP sink
 * on loopback, measured in turns. No target (docs/operations.md, Cost): measured and reported.
 */
export async function compareTracing(
  gateway: Child,
  env: Record<string, string>,
  options: { children: Child[]; measure: (targets: Target[]) => Promise<Measurement[]>; scenario: string },
) {
  const sink = await startTsServer('OTLP sink', 'bench/fixture/otlp-sink.ts', {});
  options.children.push(sink);
  const traced = await startGateway(
    { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: sink.origin, OTEL_SERVICE_NAME: 'bench' },
    join(tmpdir(), `customer-gateway-bench-traced-${process.pid}.log`),
  );
  options.children.push(traced);
  console.log(
    `\ntracing: ${options.scenario}, the gateway without OTEL_* and with (spans to an OTLP sink on loopback)`,
  );
  const [off, on] = await options.measure([
    { name: gateway.name, origin: gateway.origin, pid: gateway.proc.pid! },
    { name: `${gateway.name} + traces`, origin: traced.origin, pid: traced.proc.pid! },
  ]);
  await traced.stop();
  const exported = (await (await fetch(`${sink.origin}/count`)).json()) as { exports: number; bytes: number };
  const ratio = on!.rps / off!.rps;
  const extraCpu = on!.cpuUsPerRequest - off!.cpuUsPerRequest;
  console.log(
    `  with traces: ${ratio.toFixed(2)}× the req/s, ${extraCpu.toFixed(0)} µs more CPU per request; ${exported.exports} exports (${(exported.bytes / 1024).toFixed(0)} KiB) received`,
  );
  return { off, on, ratio, extraCpuUsPerRequest: extraCpu, exports: exported.exports };
}
