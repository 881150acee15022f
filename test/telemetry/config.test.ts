import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../adapters/errors.js';
import { parseEnv } from '../../src/env.js';
import { parseTracingEnv } from '../../src/telemetry/config.js';

const refusal = (env: Record<string, string>, parse: (env: Record<string, string>) => unknown = parseTracingEnv) => {
  try {
    parse(env);
  } catch (error) {
    if (error instanceof ConfigError) return { variable: error.variable, message: error.message };
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('OTEL_* (parseTracingEnv): the standard variables, read by the gateway on every runtime', () => {
  it('is off without an endpoint, with OTEL_SDK_DISABLED=true and with OTEL_TRACES_EXPORTER=none', () => {
    expect(parseTracingEnv({ OTEL_SERVICE_NAME: 'x', OTEL_TRACES_SAMPLER: 'always_on' })).toBeUndefined();
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(parseTracingEnv({ ...endpoint, OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
    expect(parseTracingEnv({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' })).toBeUndefined();
  });

  it('appends /v1/traces to the base endpoint, takes the traces endpoint as it is, defaults to http/protobuf', () => {
    expect(parseTracingEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toMatchObject({
      url: 'http://collector:4318/v1/traces',
      protocol: 'http/protobuf',
      serviceName: 'customer-gateway',
      sampler: 'parentbased_always_on',
      samplerRatio: 1,
      timeoutMs: 10_000,
    });
    expect(
      parseTracingEnv({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/otlp/spans',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      }),
    ).toMatchObject({ url: 'https://traces.example/otlp/spans', protocol: 'http/json' });
  });

  it('reads headers (percent-decoded, the traces ones winning), resource attributes and the sampler', () => {
    expect(
      parseTracingEnv({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Basic%20abc,x-tenant=a',
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-tenant=b',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod,service.name=from-resource',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
      }),
    ).toMatchObject({
      headers: { authorization: 'Basic abc', 'x-tenant': 'b' },
      serviceName: 'from-resource',
      resourceAttributes: { 'deployment.environment': 'prod' },
      samplerRatio: 0.25,
    });
  });

  it('refuses what it cannot honour, naming the variable and never its value', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(refusal({ ...endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toMatchObject({
      variable: 'OTEL_EXPORTER_OTLP_PROTOCOL',
      message: expect.stringContaining('use http/protobuf or http/json'),
    });
    const secretish = 'no-equals-sign-s3cr3t';
    const bad = refusal({ ...endpoint, OTEL_EXPORTER_OTLP_HEADERS: secretish });
    expect(bad.variable).toBe('OTEL_EXPORTER_OTLP_HEADERS');
    expect(bad.message).not.toContain(secretish);
    expect(refusal({ ...endpoint, OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '2' }).variable).toBe(
      'OTEL_TRACES_SAMPLER_ARG',
    );
    expect(refusal({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }).variable).toBe('OTEL_EXPORTER_OTLP_ENDPOINT');
  });
});

describe('METRICS_PORT and SHUTDOWN_* (parseEnv)', () => {
  it('defaults: /metrics on PORT, no shutdown delay, 25 s of grace', () => {
    const config = parseEnv({ BACKENDS: 'memory' });
    expect(config.metricsListener).toBeUndefined();
    expect(config.tracing).toBeUndefined();
    expect(config.shutdown).toEqual({ delayMs: 0, graceMs: 25_000 });
  });

  it('takes a metrics port and host, and refuses a port shared with PORT or a host without a port', () => {
    expect(parseEnv({ BACKENDS: 'memory', METRICS_PORT: '9464', METRICS_HOST: '10.0.0.5' }).metricsListener).toEqual({
      port: 9464,
      host: '10.0.0.5',
    });
    expect(refusal({ BACKENDS: 'memory', PORT: '9000', METRICS_PORT: '9000' }, parseEnv).variable).toBe('METRICS_PORT');
    expect(refusal({ BACKENDS: 'memory', METRICS_HOST: '127.0.0.1' }, parseEnv).variable).toBe('METRICS_HOST');
    expect(refusal({ BACKENDS: 'memory', SHUTDOWN_GRACE_MS: 'soon' }, parseEnv).variable).toBe('SHUTDOWN_GRACE_MS');
  });
});
