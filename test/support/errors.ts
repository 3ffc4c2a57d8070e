import { expect } from 'vitest';

/**
 * Catching what code under test throws, and reading what an error carries. The one
 * place for these in every tier: a test states the error it expects, and a helper
 * that lets a missing error pass silently cannot creep in.
 */

/** A caught error: an Error whose own fields (code, status, $metadata, …) a test may read. */
export type CaughtError = Error & Record<string, unknown>;

/** A class of errors, for the typed variants below. */
type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

function asCaught(error: unknown): CaughtError {
  if (error instanceof Error) return error as CaughtError;
  throw new Error(`expected an Error, got ${String(error)}`);
}

/** The error `act` throws; fails the test if it throws nothing or something not an Error. */
export function thrown(act: () => unknown): CaughtError {
  try {
    act();
  } catch (error) {
    return asCaught(error);
  }
  throw new Error('expected a throw, but it returned');
}

/** The error `promise` rejects with; fails the test if it resolves or rejects with a non-Error. */
export async function rejection(promise: Promise<unknown>): Promise<CaughtError> {
  try {
    await promise;
  } catch (error) {
    return asCaught(error);
  }
  throw new Error('expected a rejection, but the promise resolved');
}

/** The `type` error `act` throws; fails the test if it throws nothing or anything else. */
export function thrownAs<E extends Error>(type: ErrorClass<E>, act: () => unknown): E {
  const error = thrown(act);
  expect(error).toBeInstanceOf(type);
  return error as unknown as E;
}

/** The `type` error `promise` rejects with; fails the test if it resolves or rejects otherwise. */
export async function rejectionAs<E extends Error>(
  type: ErrorClass<E>,
  promise: Promise<unknown>,
): Promise<E> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(type);
  return error as unknown as E;
}

/** Every text an error carries: name, message, stack and those of its causes. */
export function errorTexts(error: unknown): string {
  const texts: string[] = [];
  for (let current = error; current instanceof Error; current = current.cause) {
    texts.push(current.name, current.message, String(current.stack));
  }
  return texts.join('\n');
}
