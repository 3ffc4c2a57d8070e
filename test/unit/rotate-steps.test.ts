import { describe, expect, it } from 'vitest';
import { NotAnOrgSecretError, TrustedAuthOffError } from '../../functions/rotate/errors.js';
import { ENABLE_ATTEMPTS } from '../../functions/rotate/steps.js';
import { AWSCURRENT, AWSPENDING, AWSPREVIOUS } from '../../infra/local/secret-versions.js';
import { rejection } from '../support/errors.js';
import { type CallPoint, fakeWorld } from '../support/fake-rotation.js';

const FULL_ROTATION = [
  'rotated-and-stored',
  'thoughtspot-holds-pending',
  'test-token-minted',
  'moved-awscurrent',
];

describe('createSecret', () => {
  it('asks ThoughtSpot first, then disables, enables, reads the new key and stores it as AWSPENDING', async () => {
    // Prepare
    const world = fakeWorld();
    const token = world.startRotation();

    // Act
    const result = await world.invoke('createSecret', token);

    // Assess
    expect(result.outcome).toBe('rotated-and-stored');
    expect(world.calls).toEqual(['search', 'DISABLED', 'ENABLED', 'search', 'put']);
    const newKey = world.thoughtSpotKey();
    expect(newKey).not.toBe(world.initialKey);
    expect(world.versions.get(token)?.value).toBe(newKey);
    expect(world.versions.get(token)?.stages).toEqual([AWSPENDING]);
    expect(world.currentKey()).toBe(world.initialKey);
  });

  it('keeps a JSON secret JSON, with its other fields', async () => {
    const world = fakeWorld({ format: 'json' });
    const token = world.startRotation();

    await world.invoke('createSecret', token);

    expect(JSON.parse(world.versions.get(token)?.value ?? '')).toEqual({
      secret_key: world.thoughtSpotKey(),
      note: 'kept',
    });
  });

  it('rotates Org 0 (the cluster key) the same way', async () => {
    const world = fakeWorld({ orgId: 0 });
    const outcomes = await world.rotation(world.startRotation());

    expect(outcomes).toEqual(FULL_ROTATION);
    expect(world.currentKey()).toBe(world.thoughtSpotKey());
  });

  it('does nothing when the token’s version already has a value', async () => {
    const world = fakeWorld();
    const token = world.startRotation();
    await world.invoke('createSecret', token);
    world.calls.length = 0;

    const result = await world.invoke('createSecret', token);

    expect(result.outcome).toBe('already-stored');
    expect(world.calls).toEqual([]);
  });

  it('stores a key ThoughtSpot already holds that differs from AWSCURRENT, without disabling again', async () => {
    const world = fakeWorld();
    world.keys.disable(world.orgId);
    world.keys.enable(world.orgId); // rotated by hand: ThoughtSpot holds a key Secrets Manager lacks
    const token = world.startRotation();

    const result = await world.invoke('createSecret', token);

    expect(result.outcome).toBe('stored-key-thoughtspot-holds');
    expect(world.configureCalls()).toEqual([]);
    expect(world.versions.get(token)?.value).toBe(world.thoughtSpotKey());
    expect(world.warnings).toContainEqual(expect.stringMatching(/already holds a key/));
  });

  it('turns trusted auth on for an Org found DISABLED, and says so', async () => {
    const world = fakeWorld();
    world.keys.disable(world.orgId);
    const token = world.startRotation();

    const result = await world.invoke('createSecret', token);

    expect(result.outcome).toBe('enabled-and-stored');
    expect(world.configureCalls()).toEqual(['ENABLED']);
    expect(world.versions.get(token)?.value).toBe(world.thoughtSpotKey());
    expect(world.warnings).toContainEqual(expect.stringMatching(/was off for the Org/));
  });

  it('changes nothing when the first search fails (an old cluster, a refused admin)', async () => {
    const world = fakeWorld();
    world.fail('search');
    const token = world.startRotation();

    await expect(world.invoke('createSecret', token)).rejects.toThrow();

    expect(world.calls).toEqual(['search']);
    expect(world.thoughtSpotKey()).toBe(world.initialKey);
    expect(world.versions.get(token)?.value).toBeUndefined();
  });

  it('retries a failed ENABLED within the invocation', async () => {
    const world = fakeWorld();
    world.fail('ENABLED', ENABLE_ATTEMPTS - 1);
    const token = world.startRotation();

    const result = await world.invoke('createSecret', token);

    expect(result.outcome).toBe('rotated-and-stored');
    expect(world.configureCalls()).toEqual(['DISABLED', 'ENABLED', 'ENABLED', 'ENABLED']);
  });

  it('says trusted auth is off for the Org when every ENABLED fails', async () => {
    const world = fakeWorld();
    world.fail('ENABLED', ENABLE_ATTEMPTS);
    const token = world.startRotation();

    const error = await rejection(world.invoke('createSecret', token));

    expect(error).toBeInstanceOf(TrustedAuthOffError);
    expect((error as Error).message).toMatch(/^Trusted authentication is off for Org 5: /);
    expect(world.versions.get(token)?.value).toBeUndefined();
  });

  it('goes on when every ENABLED lost only its answer and search shows trusted auth on', async () => {
    const world = fakeWorld();
    world.fail('ENABLED', ENABLE_ATTEMPTS, 'after');
    const token = world.startRotation();

    const result = await world.invoke('createSecret', token);

    expect(result.outcome).toBe('rotated-and-stored');
    expect(world.versions.get(token)?.value).toBe(world.thoughtSpotKey());
  });

  it('enables even when DISABLED failed, and stores nothing when the key did not change', async () => {
    const world = fakeWorld();
    world.fail('DISABLED');
    const token = world.startRotation();

    const error = await rejection(world.invoke('createSecret', token));

    expect((error as Error).message).toMatch(/DISABLED failed for Org 5: the key was not rotated/);
    expect(world.configureCalls()).toEqual(['DISABLED', 'ENABLED']);
    expect(world.thoughtSpotKey()).toBe(world.initialKey);
  });

  it('warns about more than one key and uses the first', async () => {
    const world = fakeWorld();
    const token = world.startRotation();
    const { read } = world.ports.trustedAuth;
    world.ports.trustedAuth.read = async (orgId) => {
      const level = await read(orgId);
      return { ...level, keys: [...level.keys, 'second-key'] };
    };

    await world.invoke('createSecret', token);

    expect(world.versions.get(token)?.value).toBe(world.thoughtSpotKey());
    expect(world.warnings).toContainEqual(expect.stringMatching(/more than one key/));
  });
});

describe('setSecret', () => {
  it('passes when ThoughtSpot holds the AWSPENDING key', async () => {
    const world = fakeWorld();
    const token = world.startRotation();
    await world.invoke('createSecret', token);

    const result = await world.invoke('setSecret', token);

    expect(result.outcome).toBe('thoughtspot-holds-pending');
  });

  it('fails when ThoughtSpot holds another key, naming the version to clean up', async () => {
    const world = fakeWorld();
    const token = world.startRotation();
    await world.invoke('createSecret', token);
    world.keys.disable(world.orgId);
    world.keys.enable(world.orgId);

    await expect(world.invoke('setSecret', token)).rejects.toThrow(
      new RegExp(`not the AWSPENDING value .*version ${token}`),
    );
  });

  it('fails when AWSPENDING has no value yet', async () => {
    const world = fakeWorld();
    const token = world.startRotation();

    await expect(world.invoke('setSecret', token)).rejects.toThrow(/has no value yet/);
  });
});

describe('testSecret', () => {
  it('mints a token with the AWSPENDING key for the test user in the Org', async () => {
    const world = fakeWorld();
    const token = world.startRotation();
    await world.invoke('createSecret', token);

    const result = await world.invoke('testSecret', token);

    expect(result.outcome).toBe('test-token-minted');
    expect(world.minted).toEqual([{ username: 'tsadmin', orgId: 5 }]);
  });

  it('runs alone on a copy of the current key (RotateImmediately false), changing nothing', async () => {
    const world = fakeWorld();
    const token = world.startRotation('test');
    const before = world.versions.stageMap();

    const result = await world.invoke('testSecret', token);

    expect(result.outcome).toBe('test-token-minted');
    expect(world.calls).toEqual(['mint']);
    expect(world.versions.stageMap()).toEqual(before);
    expect(world.thoughtSpotKey()).toBe(world.initialKey);
  });

  it('fails, naming the Org but no key, when ThoughtSpot refuses the AWSPENDING key', async () => {
    const world = fakeWorld();
    const token = world.startRotation('test');
    world.keys.disable(world.orgId);
    world.keys.enable(world.orgId);

    const error = await rejection(world.invoke('testSecret', token));

    expect((error as Error).message).toMatch(
      /refused a test token .* in Org 5 \(ThoughtSpot answered 401/,
    );
    expect((error as Error).message).not.toContain(world.initialKey);
  });
});

describe('finishSecret', () => {
  it('moves AWSCURRENT to the new version; the old one becomes AWSPREVIOUS', async () => {
    const world = fakeWorld();
    const token = world.startRotation();
    const old = Object.keys(world.versions.stageMap() ?? {}).find((id) => id !== token);
    await world.invoke('createSecret', token);

    const result = await world.invoke('finishSecret', token);

    expect(result.outcome).toBe('moved-awscurrent');
    expect(world.versions.get(token)?.stages).toEqual([AWSPENDING, AWSCURRENT]);
    expect(old && world.versions.get(old)?.stages).toEqual([AWSPREVIOUS]);
  });

  it('does nothing for a token that already is AWSCURRENT (the guard of every step)', async () => {
    const world = fakeWorld();
    const token = world.startRotation();
    await world.rotation(token);
    world.calls.length = 0;

    for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const) {
      expect((await world.invoke(step, token)).outcome).toBe('already-current');
    }
    expect(world.calls).toEqual([]);
  });
});

describe('the guard before every step', () => {
  it('refuses a secret whose name SECRET_ID_TEMPLATE cannot produce, before ThoughtSpot', async () => {
    const world = fakeWorld({ name: 'thoughtspot/trusted-auth/admin' });
    const token = world.startRotation();

    await expect(world.invoke('createSecret', token)).rejects.toThrow(NotAnOrgSecretError);
    expect(world.calls).toEqual([]);
  });

  it('refuses when rotation is not enabled, or the token is unknown or not AWSPENDING', async () => {
    const world = fakeWorld();
    const token = world.startRotation();

    await expect(world.invoke('createSecret', 'no-such-version')).rejects.toThrow(/not a version/);
    world.setRotationEnabled(false);
    await expect(world.invoke('createSecret', token)).rejects.toThrow(/not enabled/);
    world.setRotationEnabled(true);
    world.versions.move(AWSPENDING, undefined, token);
    world.versions.put(token, undefined, ['OTHER']);
    await expect(world.invoke('createSecret', token)).rejects.toThrow(
      /neither AWSCURRENT nor AWSPENDING/,
    );
    expect(world.calls).toEqual([]);
  });
});

describe('a rotation that fails part-way, then Secrets Manager’s retry of the whole rotation', () => {
  // [case, where the invocation dies, before/after the call, what the retried createSecret does]
  const points: [string, CallPoint, 'before' | 'after', string][] = [
    ['after DISABLED', 'DISABLED', 'after', 'enabled-and-stored'],
    ['after ENABLED', 'ENABLED', 'after', 'stored-key-thoughtspot-holds'],
    ['after the search for the new key', 'search', 'after', 'stored-key-thoughtspot-holds'],
    ['before PutSecretValue', 'put', 'before', 'stored-key-thoughtspot-holds'],
    ['after PutSecretValue', 'put', 'after', 'already-stored'],
  ];

  it.each(points)(
    '%s: converges with one DISABLED in all and trusted auth on',
    async (_case, at, when, retriedCreate) => {
      // Prepare: the first search is not a failure point worth a crash; later ones are.
      const world = fakeWorld();
      const token = world.startRotation();
      if (at === 'search') {
        const { read } = world.ports.trustedAuth;
        let searches = 0;
        world.ports.trustedAuth.read = async (orgId) => {
          searches += 1;
          if (searches === 2) world.crash('search', when);
          return read(orgId);
        };
      } else world.crash(at, when);

      // Act
      await expect(world.rotation(token)).rejects.toThrow();
      const retried = await world.rotation(token);

      // Assess
      expect(retried[0]).toBe(retriedCreate);
      expect(retried.at(-1)).toBe('moved-awscurrent');
      expect(world.configureCalls().filter((call) => call === 'DISABLED')).toEqual(['DISABLED']);
      expect(world.thoughtSpotKey()).toEqual(expect.any(String));
      expect(world.currentKey()).toBe(world.thoughtSpotKey());
      expect(world.currentKey()).not.toBe(world.initialKey);
    },
  );

  it('after a failed setSecret, testSecret or finishSecret: converges without touching ThoughtSpot again', async () => {
    for (const at of ['search', 'mint', 'move'] as const) {
      const world = fakeWorld();
      const token = world.startRotation();
      await world.invoke('createSecret', token);
      world.crash(at, 'before');

      await expect(world.rotation(token)).rejects.toThrow();
      await world.rotation(token);

      expect(world.configureCalls()).toEqual(['DISABLED', 'ENABLED']);
      expect(world.currentKey()).toBe(world.thoughtSpotKey());
    }
  });

  it('a full rotation run twice with the same token changes nothing the second time', async () => {
    const world = fakeWorld();
    const token = world.startRotation();

    expect(await world.rotation(token)).toEqual(FULL_ROTATION);
    const key = world.currentKey();
    expect(await world.rotation(token)).toEqual(Array(4).fill('already-current'));
    expect(world.currentKey()).toBe(key);
  });
});
