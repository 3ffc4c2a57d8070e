import {
  InvalidRequestException,
  ResourceNotFoundException,
} from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import {
  AWSCURRENT,
  AWSPENDING,
  AWSPREVIOUS,
  isNotFound,
  pendingVersion,
  versionWith,
} from '../../functions/lib/secret-stages.js';

const $metadata = { httpStatusCode: 400 };

describe('versionWith', () => {
  it('names the version that carries the stage, or none', () => {
    const stages = { v1: [AWSPREVIOUS], v2: [AWSCURRENT], v3: [AWSPENDING] };

    expect(versionWith(stages, AWSCURRENT)).toBe('v2');
    expect(versionWith(stages, AWSPREVIOUS)).toBe('v1');
    expect(versionWith({ v1: [AWSCURRENT] }, AWSPENDING)).toBeUndefined();
    expect(versionWith(undefined, AWSCURRENT)).toBeUndefined();
  });
});

describe('pendingVersion', () => {
  it('is the AWSPENDING version while it differs from AWSCURRENT', () => {
    expect(pendingVersion({ v1: [AWSCURRENT], v2: [AWSPENDING] })).toBe('v2');
  });

  it('is none without AWSPENDING, or with AWSPENDING left on AWSCURRENT after finishSecret', () => {
    expect(pendingVersion({ v1: [AWSCURRENT] })).toBeUndefined();
    expect(pendingVersion({ v1: [AWSPREVIOUS], v2: [AWSPENDING, AWSCURRENT] })).toBeUndefined();
    expect(pendingVersion(undefined)).toBeUndefined();
  });
});

describe('isNotFound', () => {
  it('is true for a missing secret or version, and for a secret scheduled for deletion', () => {
    expect(isNotFound(new ResourceNotFoundException({ message: 'gone', $metadata }))).toBe(true);
    const deleted = new InvalidRequestException({
      message: "You can't perform this operation on the secret because it was marked for deletion.",
      $metadata,
    });
    expect(isNotFound(deleted)).toBe(true);
  });

  it('is false for any other error', () => {
    const other = new InvalidRequestException({ message: 'bad request', $metadata });

    expect(isNotFound(other)).toBe(false);
    expect(isNotFound(new Error('ResourceNotFoundException'))).toBe(false);
    expect(isNotFound('ResourceNotFoundException')).toBe(false);
  });
});
