/**
 * Environment variables read into typed values, one small reader per variable, with
 * every problem named at once. Plain code rather than a schema library: the token
 * function reads its variables once per cold start, where zod's first use costs
 * several milliseconds (bench/README.md).
 */

/** Rejects the text being read: `message` says what is wrong, after the variable's name. */
export type Refuse = (message: string) => never;

/**
 * One variable: `read` turns its text (undefined when unset or empty) into a value, or
 * calls `refuse`; `shown` is its default as the README's configuration table writes it.
 */
export interface Variable<T> {
  read: (text: string | undefined, refuse: Refuse) => T;
  shown: string;
}

export type Values<V extends Record<string, Variable<unknown>>> = {
  [K in keyof V]: ReturnType<V[K]['read']>;
};

class Refusal {
  constructor(readonly message: string) {}
}

const refuse: Refuse = (message) => {
  throw new Refusal(message);
};

/**
 * Reads every variable of `variables` from `env`. Empty strings count as unset:
 * serverless and shells often pass "" for an absent param. Returns the values, or
 * undefined and the problems as "NAME message", in the table's order.
 */
export function readVariables<V extends Record<string, Variable<unknown>>>(
  variables: V,
  env: Record<string, string | undefined>,
): { values: Values<V> | undefined; problems: string[] } {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, variable] of Object.entries(variables)) {
    const text = env[name] === '' ? undefined : env[name];
    try {
      values[name] = variable.read(text, refuse);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      problems.push(`${name} ${error.message}`);
    }
  }
  return { values: problems.length === 0 ? (values as Values<V>) : undefined, problems };
}

/** A variable that must be set. */
export const required = <T>(read: (text: string, refuse: Refuse) => T): Variable<T> => ({
  read: (text, refuse) => (text === undefined ? refuse('is required') : read(text, refuse)),
  shown: 'required',
});

/** A variable with no default: undefined when unset. */
export const optional = <T>(
  read: (text: string, refuse: Refuse) => T,
): Variable<T | undefined> => ({
  read: (text, refuse) => (text === undefined ? undefined : read(text, refuse)),
  shown: 'unset',
});

/** A variable read from `fallback` when unset. */
export const withDefault = <T>(
  fallback: string,
  read: (text: string, refuse: Refuse) => T,
): Variable<T> => ({
  read: (text, refuse) => read(text ?? fallback, refuse),
  shown: fallback,
});
