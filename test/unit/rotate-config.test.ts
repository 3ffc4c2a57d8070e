import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../functions/lib/config.js';
import { ROTATION_DEFAULTS } from '../../functions/lib/config-rules.cjs';
import { SecretValueError } from '../../functions/lib/errors.js';
import { secretIdFor } from '../../functions/lib/secret-keys.js';
import { orgIdOfSecretName } from '../../functions/lib/secret-names.js';
import { loadRotationConfig } from '../../functions/rotate/config.js';
import { parseRotationEvent } from '../../functions/rotate/rotation-target.js';
import { inSameFormat, readStoredValue } from '../../functions/rotate/secret-format.js';
import { errorTexts, rejection, thrownAs } from '../support/errors.js';
import { fakeKey } from '../support/fixtures.js';

const HOST = 'https://acme.thoughtspot.cloud';

describe('loadRotationConfig', () => {
  it('takes host, template and timeout from the shared config, and defaults the admin secret', () => {
    expect(loadRotationConfig({ THOUGHTSPOT_HOST: HOST })).toEqual({
      thoughtSpotHost: HOST,
      secretIdTemplate: 'thoughtspot/trusted-auth/org/{orgId}',
      thoughtSpotTimeoutMs: 5000,
      adminSecretId: ROTATION_DEFAULTS.THOUGHTSPOT_ADMIN_SECRET_ID,
      rotationTestUser: undefined,
    });
    expect(ROTATION_DEFAULTS.THOUGHTSPOT_ADMIN_SECRET_ID).toBe('thoughtspot/trusted-auth/admin');
  });

  it('reads THOUGHTSPOT_ADMIN_SECRET_ID (a name or an ARN) and ROTATION_TEST_USER verbatim', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ts/admin-AbCdEf';
    const config = loadRotationConfig({
      THOUGHTSPOT_HOST: HOST,
      THOUGHTSPOT_ADMIN_SECRET_ID: arn,
      ROTATION_TEST_USER: 'Rotation.Check@Example.com',
    });

    expect(config.adminSecretId).toBe(arn);
    expect(config.rotationTestUser).toBe('Rotation.Check@Example.com');
  });

  it('treats empty values as unset', () => {
    const config = loadRotationConfig({
      THOUGHTSPOT_HOST: HOST,
      THOUGHTSPOT_ADMIN_SECRET_ID: '',
      ROTATION_TEST_USER: '',
    });

    expect(config.adminSecretId).toBe(ROTATION_DEFAULTS.THOUGHTSPOT_ADMIN_SECRET_ID);
    expect(config.rotationTestUser).toBeUndefined();
  });

  it('names every bad variable, its own and the shared ones', () => {
    const { message } = thrownAs(ConfigError, () =>
      loadRotationConfig({
        THOUGHTSPOT_HOST: 'http://acme.example',
        THOUGHTSPOT_ADMIN_SECRET_ID: 'has spaces',
        ROTATION_TEST_USER: ' padded',
      }),
    );

    expect(message).toMatch(/THOUGHTSPOT_HOST must use https/);
    expect(message).toMatch(
      /THOUGHTSPOT_ADMIN_SECRET_ID must be a Secrets Manager secret name or ARN/,
    );
    expect(message).toMatch(/ROTATION_TEST_USER has leading or trailing whitespace/);
  });

  it("refuses an admin secret inside the Org secrets' prefix, as the deployment does", () => {
    const { message } = thrownAs(ConfigError, () =>
      loadRotationConfig({
        THOUGHTSPOT_HOST: HOST,
        SECRET_ID_TEMPLATE: 'ts/{orgId}',
        THOUGHTSPOT_ADMIN_SECRET_ID:
          'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ts/admin-AbCdEf',
      }),
    );

    expect(message).toBe(
      'Invalid configuration: THOUGHTSPOT_ADMIN_SECRET_ID must not start with the Org secrets\' prefix "ts/": the token function may read those',
    );
  });

  it('refuses a name that is not a secret name or a Secrets Manager ARN', () => {
    for (const id of [
      'ts/*',
      'name:with:colons',
      'arn:aws:ssm:us-east-1:123456789012:parameter/x',
    ]) {
      const { message } = thrownAs(ConfigError, () =>
        loadRotationConfig({ THOUGHTSPOT_HOST: HOST, THOUGHTSPOT_ADMIN_SECRET_ID: id }),
      );
      expect(message).toMatch(
        /THOUGHTSPOT_ADMIN_SECRET_ID must be a Secrets Manager secret name or ARN$/,
      );
    }
  });

  it('reads only its own variables: a token-only variable that is wrong does not stop it', () => {
    const config = loadRotationConfig({
      THOUGHTSPOT_HOST: HOST,
      TOKEN_POLICY: '{not json',
      ORG_MAP: '[]',
    });

    expect(config.thoughtSpotHost).toBe(HOST);
  });

  it('lists the problems as "NAME message", the shared variables first', () => {
    const { message } = thrownAs(ConfigError, () =>
      loadRotationConfig({ THOUGHTSPOT_TIMEOUT_MS: '5', ROTATION_TEST_USER: ' padded' }),
    );

    expect(message).toMatch(
      /^Invalid configuration: THOUGHTSPOT_HOST is required; THOUGHTSPOT_TIMEOUT_MS must be an integer from 100 to \d+; ROTATION_TEST_USER /,
    );
  });
});

describe('orgIdOfSecretName', () => {
  const template = 'thoughtspot/trusted-auth/org/{orgId}';

  it('reads back every name secretIdFor writes', () => {
    for (const orgId of [0, 5, 583464508, 2_147_483_647]) {
      expect(orgIdOfSecretName(template, secretIdFor(template, orgId))).toBe(orgId);
    }
  });

  it('refuses names the template cannot produce', () => {
    for (const name of [
      'thoughtspot/trusted-auth/admin',
      'thoughtspot/trusted-auth/org/05',
      'thoughtspot/trusted-auth/org/-1',
      'thoughtspot/trusted-auth/org/2147483648',
      'thoughtspot/trusted-auth/org/5/extra',
      'xthoughtspot/trusted-auth/org/5',
    ]) {
      expect(orgIdOfSecretName(template, name)).toBeUndefined();
    }
    expect(orgIdOfSecretName('ts/{orgId}/key-{orgId}', 'ts/1/key-2')).toBeUndefined();
    expect(orgIdOfSecretName('thoughtspot.org.{orgId}', 'thoughtspotXorg.5')).toBeUndefined();
  });
});

describe('inSameFormat', () => {
  it('keeps a bare key bare', () => {
    expect(inSameFormat(`  ${fakeKey('old')}\n`, 'new-key')).toBe('new-key');
  });

  it('keeps JSON JSON, with the other fields in place', () => {
    const current = JSON.stringify({ note: 'prod', secret_key: fakeKey('old'), owner: 'infra' });

    expect(inSameFormat(current, 'new-key')).toBe(
      JSON.stringify({ note: 'prod', secret_key: 'new-key', owner: 'infra' }),
    );
  });

  it('refuses a current value with no key, without quoting it', async () => {
    const secret = fakeKey('half');
    for (const current of ['', `{"secret_key": "${secret}"`, JSON.stringify({ key: secret })]) {
      const error = await rejection(Promise.resolve().then(() => inSameFormat(current, 'new')));
      expect(error).toBeInstanceOf(SecretValueError);
      expect(errorTexts(error)).not.toContain(secret);
    }
  });
});

describe('readStoredValue', () => {
  it("reads the key and stores a new one in the value's format, bare or JSON", () => {
    const oldKey = fakeKey('old');
    const bare = readStoredValue(`  ${oldKey}\n`);
    const json = readStoredValue(JSON.stringify({ note: 'prod', secret_key: oldKey }));

    expect(bare.key).toBe(oldKey);
    expect(bare.withKey('new-key')).toBe('new-key');
    expect(json.key).toBe(oldKey);
    expect(json.withKey('new-key')).toBe(JSON.stringify({ note: 'prod', secret_key: 'new-key' }));
  });
});

describe('parseRotationEvent', () => {
  it('accepts the event Secrets Manager sends, extra fields (RotationToken) included', () => {
    const event = {
      Step: 'createSecret',
      SecretId: 'arn:x',
      ClientRequestToken: 't',
      RotationToken: 'r',
    };

    expect(parseRotationEvent(event)).toEqual({
      Step: 'createSecret',
      SecretId: 'arn:x',
      ClientRequestToken: 't',
    });
  });

  it('refuses anything else', () => {
    for (const event of [
      undefined,
      { Step: 'create_secret', SecretId: 'arn:x', ClientRequestToken: 't' },
      { Step: 'setSecret', SecretId: '', ClientRequestToken: 't' },
      { Step: 'setSecret', SecretId: 'arn:x' },
    ]) {
      expect(() => parseRotationEvent(event)).toThrow(/not a Secrets Manager rotation event/);
    }
  });
});
