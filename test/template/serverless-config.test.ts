import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { runNpm } from './packaging.js';

// serverless.yml as the CLI resolves it (`osls print`), before anything is built.

const PrintedConfigSchema = z.object({
  build: z.unknown(),
  plugins: z.array(z.string()),
  custom: z.object({ esbuild: z.record(z.string(), z.unknown()) }),
});

describe('serverless.yml', () => {
  it('fails to resolve for a stage without the required params, naming each', () => {
    // Act: prod has no thoughtspotHost, jwtIssuerUrl, jwtAudience or corsAllowedOrigins.
    const result = runNpm(['exec', '--', 'osls', 'print', '--stage', 'prod'], 60_000);

    // Assess
    expect(result.status).not.toBe(0);
    for (const property of [
      'provider.environment.THOUGHTSPOT_HOST',
      'provider.httpApi.cors.allowedOrigins',
      'provider.httpApi.authorizers.appJwt.issuerUrl',
      'provider.httpApi.authorizers.appJwt.audience',
    ]) {
      expect(result.output).toContain(`Cannot resolve variable at "${property}`);
    }
  });

  it('bundles with serverless-esbuild only: Serverless v4 built-in esbuild is switched off', () => {
    // Act
    const result = runNpm(['exec', '--silent', '--', 'osls', 'print', '--format', 'json'], 60_000);

    // Assess
    expect(result.status).toBe(0);
    const config = PrintedConfigSchema.parse(JSON.parse(result.stdout));
    expect(config.build).toEqual({ esbuild: false });
    expect(config.plugins).toContain('serverless-esbuild');
    expect(config.custom.esbuild).toMatchObject({ exclude: [], external: [], format: 'esm' });
  });
});
