import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../adapters/errors.js';
import { parseScapiOptions } from '../../../adapters/scapi/options.js';
import { parseEnv } from '../../../src/env.js';

const real = {
  SCAPI_ORGANIZATION_ID: 'f_ecom_bgxq_prd',
  SCAPI_SITE_ID: 'RefArch',
  SCAPI_CLIENT_ID: 'client',
  SCAPI_CLIENT_SECRET: 'very-secret-value',
};

describe('scapi configuration', () => {
  it('builds the host from the short code, the tenant from the organization id, the customer list from the site', () => {
    expect(parseScapiOptions({ ...real, SCAPI_SHORT_CODE: 'KV7kzm78' })).toMatchObject({
      baseUrl: 'https://kv7kzm78.api.commercecloud.salesforce.com',
      tenant: 'bgxq_prd',
      customerList: 'RefArch',
      oauthUrl: 'https://account.demandware.com/dwsso/oauth2/access_token',
      externalRefAttribute: 'c_externalRef',
    });
    expect(
      parseScapiOptions({ ...real, SCAPI_SHORT_CODE: 'x', SCAPI_BASE_URL: 'https://proxy.example/' }).baseUrl,
    ).toBe('https://proxy.example');
  });

  it('names the variable that is missing or malformed, never its value', () => {
    const fail = (env: Record<string, string>) => {
      try {
        parseScapiOptions(env);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as Error).message).not.toContain('very-secret-value');
        return (error as ConfigError).variable;
      }
      throw new Error('expected a ConfigError');
    };
    expect(fail(real)).toBe('SCAPI_SHORT_CODE');
    expect(fail({ ...real, SCAPI_SHORT_CODE: 'abc', SCAPI_ORGANIZATION_ID: 'zzxy_prd' })).toBe('SCAPI_ORGANIZATION_ID');
    expect(fail({ ...real, SCAPI_SHORT_CODE: 'abc', SCAPI_EXTERNAL_REF_ATTRIBUTE: 'externalRef' })).toBe(
      'SCAPI_EXTERNAL_REF_ATTRIBUTE',
    );
  });

  it('runs embedded with zero configuration, and on the instance once a short code is set', () => {
    expect(parseEnv({ BACKENDS: 'scapi' }).backends).toEqual([{ name: 'scapi', embedded: true, options: undefined }]);
    expect(parseEnv({ BACKENDS: 'scapi', ...real, SCAPI_SHORT_CODE: 'abc' }).backends[0]).toMatchObject({
      embedded: false,
      options: { baseUrl: 'https://abc.api.commercecloud.salesforce.com' },
    });
    expect(parseEnv({}).backends.map((b) => b.name)).toEqual(['sfcc', 'scayle', 'open2b']);
  });
});
