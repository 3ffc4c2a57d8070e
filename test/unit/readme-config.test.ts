import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENV_VARIABLES } from '../../functions/lib/config.js';
import type { Variable } from '../../functions/lib/env-variables.js';
import { ROTATION_ENV_VARIABLES } from '../../functions/rotate/config.js';

// The README's configuration table is what operators read; the variable tables are
// what the functions read. This test keeps them from drifting apart.

const README = new URL('../../README.md', import.meta.url);

interface Row {
  variable: string;
  /** The default column without backticks: a value, `required` or `unset`. */
  default: string;
}

const unquote = (cell: string) => cell.trim().replace(/^`(.*)`$/, '$1');

/** The rows of the `variable | default | meaning` table in the README's "## Configuration". */
function readmeRows(): Row[] {
  const readme = readFileSync(README, 'utf8');
  const section = /^## Configuration\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(readme)?.[1];
  if (section === undefined) throw new Error('README.md has no "## Configuration" section');
  const lines = section.split('\n');
  const header = lines.findIndex((line) =>
    /^\|\s*variable\s*\|\s*default\s*\|\s*meaning\s*\|/.test(line),
  );
  if (header < 0) throw new Error('"## Configuration" has no variable | default | meaning table');
  const rows: Row[] = [];
  // Skip the header and the |---| line; the table ends at the first line that is not a row.
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const [variable = '', fallback = ''] = line.split('|').slice(1);
    rows.push({ variable: unquote(variable), default: unquote(fallback) });
  }
  return rows;
}

/** Every variable both functions read, with its default as the README writes it. */
function schemaDefaults(): Record<string, string> {
  return { ...defaultsOf(ENV_VARIABLES), ...defaultsOf(ROTATION_ENV_VARIABLES) };
}

const defaultsOf = (variables: Record<string, Variable<unknown>>): Record<string, string> =>
  Object.fromEntries(Object.entries(variables).map(([name, variable]) => [name, variable.shown]));

describe("README's configuration table", () => {
  it('lists every variable of the schema, and only those, with its default', () => {
    // Prepare
    const implemented = readmeRows();

    // Act
    const documented = Object.fromEntries(implemented.map((row) => [row.variable, row.default]));

    // Assess
    expect(documented).toEqual(schemaDefaults());
  });

  it('lists each variable once', () => {
    const variables = readmeRows().map((row) => row.variable);

    expect(variables).toEqual(expect.arrayContaining(Object.keys(schemaDefaults())));
    expect(new Set(variables).size).toBe(variables.length);
  });
});
