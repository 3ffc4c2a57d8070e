import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { EnvSchema } from '../../functions/lib/config.js';
import { RotationEnvSchema } from '../../functions/rotate/config.js';

// The README's configuration table is what operators read; the schema is what the
// function enforces. This test keeps them from drifting apart.

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

/** Every variable of both functions' schemas with its default as the README writes it. */
function schemaDefaults(): Record<string, string> {
  return { ...defaultsOf(EnvSchema), ...defaultsOf(RotationEnvSchema) };
}

function defaultsOf(envSchema: z.core.$ZodType): Record<string, string> {
  const schema = z.toJSONSchema(envSchema, { io: 'input', unrepresentable: 'any' });
  const required = new Set(schema.required ?? []);
  return Object.fromEntries(
    Object.entries(schema.properties ?? {}).map(([variable, property]) => {
      const fallback = typeof property === 'object' ? property.default : undefined;
      if (fallback !== undefined) return [variable, String(fallback)];
      return [variable, required.has(variable) ? 'required' : 'unset'];
    }),
  );
}

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
