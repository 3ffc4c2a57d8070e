import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../functions/lib/config.js';
import { INTEGER_LIMITS, MAX_ORG_ID } from '../../functions/lib/config-rules.cjs';
import { thrownAs } from '../support/errors.js';
import { testConfig } from '../support/fixtures.js';

const HOST = 'https://acme.thoughtspot.cloud';

/** The message loadConfig throws for `env`, or a failure if it accepted it. */
const configError = (env: Record<string, string | undefined>): string =>
  thrownAs(ConfigError, () => loadConfig(env)).message;

describe('loadConfig', () => {
  it('applies the defaults of SPEC §4 when only THOUGHTSPOT_HOST is set', () => {
    // Act
    const config = loadConfig({ THOUGHTSPOT_HOST: HOST });

    // Assess
    expect(config).toEqual({
      thoughtSpotHost: HOST,
      secretIdTemplate: 'thoughtspot/trusted-auth/org/{orgId}',
      fallbackToPrimaryOrg: true,
      secretCacheTtlMs: 300_000,
      secretMaxStaleMs: 3_600_000,
      usernameClaim: 'email',
      orgClaim: 'ts_org',
      orgMap: {},
      defaultOrgId: 0,
      tokenValiditySeconds: 300,
      maxTokenValiditySeconds: 3600,
      thoughtSpotTimeoutMs: 5000,
      autoCreateUsers: false,
      displayNameClaim: 'name',
      groupsClaim: undefined,
    });
  });

  it('reads every variable when set', () => {
    // Act
    const config = loadConfig({
      THOUGHTSPOT_HOST: HOST,
      SECRET_ID_TEMPLATE: 'ts/{orgId}/key',
      FALLBACK_TO_PRIMARY_ORG: 'false',
      SECRET_CACHE_TTL_SECONDS: '60',
      SECRET_MAX_STALE_SECONDS: '0',
      USERNAME_CLAIM: 'preferred_username',
      ORG_CLAIM: 'orgs',
      ORG_MAP: '{"acme": 583464508, "beta": 7}',
      DEFAULT_ORG_ID: '7',
      TOKEN_VALIDITY_SECONDS: '120',
      MAX_TOKEN_VALIDITY_SECONDS: '600',
      THOUGHTSPOT_TIMEOUT_MS: '2500',
      AUTO_CREATE_USERS: 'true',
      DISPLAY_NAME_CLAIM: 'given_name',
      GROUPS_CLAIM: 'groups',
    });

    // Assess
    expect(config).toEqual({
      thoughtSpotHost: HOST,
      secretIdTemplate: 'ts/{orgId}/key',
      fallbackToPrimaryOrg: false,
      secretCacheTtlMs: 60_000,
      secretMaxStaleMs: 0,
      usernameClaim: 'preferred_username',
      orgClaim: 'orgs',
      orgMap: { acme: 583464508, beta: 7 },
      defaultOrgId: 7,
      tokenValiditySeconds: 120,
      maxTokenValiditySeconds: 600,
      thoughtSpotTimeoutMs: 2500,
      autoCreateUsers: true,
      displayNameClaim: 'given_name',
      groupsClaim: 'groups',
    });
  });

  describe('THOUGHTSPOT_HOST', () => {
    it('is required, and the message names it', () => {
      expect(configError({})).toMatch(/THOUGHTSPOT_HOST is required/);
    });

    it('treats an empty string as unset', () => {
      expect(configError({ THOUGHTSPOT_HOST: '' })).toMatch(/THOUGHTSPOT_HOST is required/);
    });

    it('refuses a value that is not a URL', () => {
      expect(configError({ THOUGHTSPOT_HOST: 'acme.thoughtspot.cloud' })).toMatch(
        /THOUGHTSPOT_HOST/,
      );
    });

    it.each([
      'http://example.com',
      'http://acme.thoughtspot.cloud',
      'ftp://acme.thoughtspot.cloud',
    ])('refuses %s: only https outside loopback', (host) => {
      expect(configError({ THOUGHTSPOT_HOST: host })).toMatch(/THOUGHTSPOT_HOST must use https/);
    });

    it.each([
      ['http://127.0.0.1:8443', 'http://127.0.0.1:8443'],
      ['http://localhost', 'http://localhost'],
      ['http://localhost:9000/', 'http://localhost:9000'],
      ['http://[::1]:8080', 'http://[::1]:8080'],
    ])('accepts the loopback address %s over http', (host, expected) => {
      expect(loadConfig({ THOUGHTSPOT_HOST: host }).thoughtSpotHost).toBe(expected);
    });

    it('removes trailing slashes, keeping a path prefix', () => {
      expect(loadConfig({ THOUGHTSPOT_HOST: `${HOST}/` }).thoughtSpotHost).toBe(HOST);
      expect(loadConfig({ THOUGHTSPOT_HOST: `${HOST}/ts//` }).thoughtSpotHost).toBe(`${HOST}/ts`);
    });

    it('refuses credentials, a query or a fragment in the URL', () => {
      expect(configError({ THOUGHTSPOT_HOST: 'https://admin:pw@acme.test' })).toMatch(
        /THOUGHTSPOT_HOST must be a bare base URL/,
      );
      expect(configError({ THOUGHTSPOT_HOST: `${HOST}/?x=1` })).toMatch(/THOUGHTSPOT_HOST/);
      expect(configError({ THOUGHTSPOT_HOST: `${HOST}/#top` })).toMatch(/THOUGHTSPOT_HOST/);
    });
  });

  describe('ORG_MAP', () => {
    it('names ORG_MAP when it is not JSON', () => {
      expect(configError({ THOUGHTSPOT_HOST: HOST, ORG_MAP: '{acme: 5}' })).toMatch(
        /ORG_MAP must be a JSON object/,
      );
    });

    it.each(['{"acme": "5"}', '{"acme": 1.5}', '{"acme": -1}', '[5]', 'null'])(
      'names ORG_MAP when %s does not map names to integer Org ids',
      (orgMap) => {
        expect(configError({ THOUGHTSPOT_HOST: HOST, ORG_MAP: orgMap })).toMatch(/ORG_MAP/);
      },
    );

    // SPEC §4: "Bad configuration fails the cold start with a message naming the variable";
    // the message should say what is wrong with it, not that a set variable is missing.
    it.each(['{"acme": "5"}', '{"acme": 1.5}', '[5]'])(
      'does not claim ORG_MAP is missing when it is set to %s',
      (orgMap) => {
        const message = configError({ THOUGHTSPOT_HOST: HOST, ORG_MAP: orgMap });

        expect(message).toMatch(/ORG_MAP/);
        expect(message).not.toMatch(/ORG_MAP is required/);
      },
    );

    it.each(['{"": 5}', `{"acme": ${MAX_ORG_ID + 1}}`])('refuses %s', (orgMap) => {
      expect(configError({ THOUGHTSPOT_HOST: HOST, ORG_MAP: orgMap })).toMatch(
        /ORG_MAP must map Org names to integer Org ids from 0 to 2147483647/,
      );
    });

    it('accepts large Org ids', () => {
      expect(loadConfig({ THOUGHTSPOT_HOST: HOST, ORG_MAP: '{"big": 583464508}' }).orgMap).toEqual({
        big: 583464508,
      });
    });
  });

  describe('booleans', () => {
    it.each(['yes', 'TRUE', '1', 'on'])('accept only true or false, not %s', (value) => {
      expect(configError({ THOUGHTSPOT_HOST: HOST, AUTO_CREATE_USERS: value })).toMatch(
        /AUTO_CREATE_USERS must be true or false/,
      );
      expect(configError({ THOUGHTSPOT_HOST: HOST, FALLBACK_TO_PRIMARY_ORG: value })).toMatch(
        /FALLBACK_TO_PRIMARY_ORG must be true or false/,
      );
    });

    it('read true and false', () => {
      const config = loadConfig({
        THOUGHTSPOT_HOST: HOST,
        AUTO_CREATE_USERS: 'true',
        FALLBACK_TO_PRIMARY_ORG: 'false',
      });

      expect(config.autoCreateUsers).toBe(true);
      expect(config.fallbackToPrimaryOrg).toBe(false);
    });
  });

  describe('integers', () => {
    it.each([
      ['SECRET_CACHE_TTL_SECONDS', '1.5'],
      ['SECRET_CACHE_TTL_SECONDS', '-1'],
      ['SECRET_MAX_STALE_SECONDS', 'forever'],
      ['DEFAULT_ORG_ID', '1e3'],
      ['DEFAULT_ORG_ID', String(MAX_ORG_ID + 1)],
      ['TOKEN_VALIDITY_SECONDS', '0'],
      ['MAX_TOKEN_VALIDITY_SECONDS', '0x10'],
      ['THOUGHTSPOT_TIMEOUT_MS', '50'],
      // The Lambda timeout minus the secret lookup budget: what the deployment allows too.
      ['THOUGHTSPOT_TIMEOUT_MS', String(INTEGER_LIMITS.THOUGHTSPOT_TIMEOUT_MS.max + 1)],
      ['THOUGHTSPOT_TIMEOUT_MS', '28000'],
    ])('refuse %s=%s, naming the variable', (name, value) => {
      expect(configError({ THOUGHTSPOT_HOST: HOST, [name]: value })).toMatch(
        new RegExp(`${name} must be an integer`),
      );
    });

    it('accept surrounding whitespace', () => {
      expect(
        loadConfig({ THOUGHTSPOT_HOST: HOST, SECRET_CACHE_TTL_SECONDS: ' 60 ' }).secretCacheTtlMs,
      ).toBe(60_000);
    });
  });

  it('refuses TOKEN_VALIDITY_SECONDS above MAX_TOKEN_VALIDITY_SECONDS', () => {
    expect(
      configError({
        THOUGHTSPOT_HOST: HOST,
        TOKEN_VALIDITY_SECONDS: '601',
        MAX_TOKEN_VALIDITY_SECONDS: '600',
      }),
    ).toMatch(/TOKEN_VALIDITY_SECONDS must not exceed MAX_TOKEN_VALIDITY_SECONDS/);
  });

  it('accepts TOKEN_VALIDITY_SECONDS equal to MAX_TOKEN_VALIDITY_SECONDS', () => {
    const config = loadConfig({
      THOUGHTSPOT_HOST: HOST,
      TOKEN_VALIDITY_SECONDS: '600',
      MAX_TOKEN_VALIDITY_SECONDS: '600',
    });

    expect(config.tokenValiditySeconds).toBe(600);
  });

  it('treats empty strings as unset, so defaults apply', () => {
    // Act
    const config = loadConfig({
      THOUGHTSPOT_HOST: HOST,
      SECRET_CACHE_TTL_SECONDS: '',
      FALLBACK_TO_PRIMARY_ORG: '',
      ORG_MAP: '',
      USERNAME_CLAIM: '',
      GROUPS_CLAIM: '',
    });

    // Assess
    expect(config.secretCacheTtlMs).toBe(300_000);
    expect(config.fallbackToPrimaryOrg).toBe(true);
    expect(config.orgMap).toEqual({});
    expect(config.usernameClaim).toBe('email');
    expect(config.groupsClaim).toBeUndefined();
  });

  it.each([
    ['without {orgId}', 'thoughtspot/key', /must contain \{orgId\} exactly once/],
    ['with {orgId} twice', 'ts/{orgId}/{orgId}', /must contain \{orgId\} exactly once/],
    ['with nothing before {orgId}', '{orgId}/key', /needs a fixed prefix/],
    ['that is an ARN', 'arn:aws:secretsmanager:us-east-1:1:secret:ts/{orgId}', /not an ARN/],
    ['with a wildcard', 'ts/*/{orgId}', /characters Secrets Manager allows/],
  ])('refuses a SECRET_ID_TEMPLATE %s, as the deployment does', (_case, template, message) => {
    const error = configError({ THOUGHTSPOT_HOST: HOST, SECRET_ID_TEMPLATE: template });

    expect(error).toMatch(/SECRET_ID_TEMPLATE/);
    expect(error).toMatch(message);
  });

  it('names every bad variable at once', () => {
    const message = configError({
      AUTO_CREATE_USERS: 'yes',
      SECRET_CACHE_TTL_SECONDS: 'soon',
    });

    expect(message).toMatch(/THOUGHTSPOT_HOST/);
    expect(message).toMatch(/AUTO_CREATE_USERS/);
    expect(message).toMatch(/SECRET_CACHE_TTL_SECONDS/);
  });

  it.each([
    ['USERNAME_CLAIM', 'usernameClaim'],
    ['ORG_CLAIM', 'orgClaim'],
    ['DISPLAY_NAME_CLAIM', 'displayNameClaim'],
    ['GROUPS_CLAIM', 'groupsClaim'],
  ])('refuses a blank %s and trims a set one', (name, field) => {
    expect(configError({ THOUGHTSPOT_HOST: HOST, [name]: '   ' })).toMatch(
      new RegExp(`${name} must not be blank`),
    );
    expect(loadConfig({ THOUGHTSPOT_HOST: HOST, [name]: ' sub ' })).toMatchObject({
      [field]: 'sub',
    });
  });

  it('ignores variables it does not know', () => {
    expect(
      loadConfig({ THOUGHTSPOT_HOST: HOST, PATH: '/usr/bin', AWS_REGION: 'us-east-1' }),
    ).toEqual(loadConfig({ THOUGHTSPOT_HOST: HOST }));
  });
});

describe('loadConfig and TOKEN_POLICY', () => {
  it('reads a valid policy, and none when it is unset or empty', () => {
    const policy = { default: { variables: [{ name: 'region', claim: 'region' }] } };

    expect(testConfig({ TOKEN_POLICY: JSON.stringify(policy) }).tokenPolicy).toEqual({
      default: {
        persist_option: 'REPLACE',
        variables: [{ name: 'region', claim: 'region', required: false }],
      },
    });
    expect(testConfig().tokenPolicy).toBeUndefined();
    expect(testConfig({ TOKEN_POLICY: '' }).tokenPolicy).toBeUndefined();
  });

  it('fails the cold start with a message naming the bad field', () => {
    const bad = { orgs: { '5': { variables: [{ name: 'region', claim: '' }] } } };

    expect(() => testConfig({ TOKEN_POLICY: JSON.stringify(bad) })).toThrow(
      /^Invalid configuration: TOKEN_POLICY orgs\.5\.variables\.0\.claim /,
    );
    expect(() => testConfig({ TOKEN_POLICY: '{"default": ' })).toThrow(
      'Invalid configuration: TOKEN_POLICY is not valid JSON',
    );
  });
});
