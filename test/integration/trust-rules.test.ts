import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendJson, sendText } from '../../infra/local/http-server.js';
import { httpApiEvent } from '../../infra/local/lambda-events.js';
import { thoughtSpotTokenBody } from '../support/thoughtspot-bodies.js';
import { type Environment, secretIdOf } from './support/environment.js';
import { watchForLeaks } from './support/leak-watch.js';
import { type ScriptedServer, startScriptedServer } from './support/scripted-server.js';

/**
 * SPEC §8 through the whole handler: the real ThoughtSpot client and the real AWS SDK
 * against servers on 127.0.0.1 that misbehave as an attacker or a broken proxy would.
 * After every test: no key, nor its first or last 12 characters, in a log line or a
 * response (leak-watch.ts).
 */

const leaks = watchForLeaks({ pieces: true });
const CLUSTER_KEY = leaks.key('cluster');
const ada = { email: 'ada@example.com' };
const body = (response: { body: string }) => JSON.parse(response.body);

describe('a ThoughtSpot that redirects, lies about the user or echoes request data', () => {
  let thoughtSpot: ScriptedServer;
  let elsewhere: ScriptedServer;
  let env: Environment;
  beforeAll(async () => {
    [thoughtSpot, elsewhere] = await Promise.all([startScriptedServer(), startScriptedServer()]);
    env = await leaks.environment({
      clusterKey: CLUSTER_KEY,
      secrets: { 0: CLUSTER_KEY },
      env: { THOUGHTSPOT_HOST: thoughtSpot.url },
    });
  });
  afterAll(async () => {
    await env.close();
    await Promise.all([thoughtSpot.close(), elsewhere.close()]);
  });
  beforeEach(() => {
    thoughtSpot.received.length = 0;
    elsewhere.received.length = 0;
  });

  it.each([301, 302, 303, 307, 308])(
    'answers 502 to a %i and never sends the key to the Location host',
    async (status) => {
      thoughtSpot.answer = (_req, res) =>
        res.writeHead(status, { location: `${elsewhere.url}/api/rest/2.0/auth/token/full` }).end();

      const response = await env.invoke({ routeKey: 'GET /token', claims: ada });

      expect(response.statusCode).toBe(502);
      expect(body(response).error.code).toBe('thoughtspot_error');
      expect(thoughtSpot.received).toHaveLength(1);
      expect(elsewhere.received).toHaveLength(0);
    },
  );

  it('relays no token that ThoughtSpot says is for another user', async () => {
    const token = thoughtSpotTokenBody({ valid_for_username: 'mallory@example.com' });
    thoughtSpot.answer = (_req, res) => sendJson(res, 200, token);

    const response = await env.invoke({ routeKey: 'GET /token', claims: ada });

    expect(response.statusCode).toBe(502);
    expect(response.body).not.toContain(token.token);
  });

  it('relays a token for the same user in another letter case', async () => {
    const token = thoughtSpotTokenBody({ valid_for_username: 'ADA@example.com' });
    thoughtSpot.answer = (_req, res) => sendJson(res, 200, token);

    const response = await env.invoke({ routeKey: 'GET /token', claims: ada });

    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(token.token);
  });

  it('passes on no Retry-After that echoes request data', async () => {
    thoughtSpot.answer = (_req, res) =>
      sendText(res, 429, '{}', 'application/json', { 'retry-after': 'ada@example.com' });

    const response = await env.invoke({ routeKey: 'GET /token', claims: ada });

    expect(response.statusCode).toBe(429);
    expect(Object.keys(response.headers).map((name) => name.toLowerCase())).not.toContain(
      'retry-after',
    );
  });

  it('sends the username byte for byte, and refuses one it would have to rewrite', async () => {
    const name = "Zoë O'Brien+bi@example.com";
    thoughtSpot.answer = (_req, res) =>
      sendJson(res, 200, thoughtSpotTokenBody({ valid_for_username: name }));

    const minted = await env.invoke({ routeKey: 'GET /token', claims: { email: name } });
    const refused = await env.invoke({ routeKey: 'GET /token', claims: { email: `${name} ` } });

    expect(minted.statusCode).toBe(200);
    expect(JSON.parse(thoughtSpot.received[0]?.body ?? '{}').username).toBe(name);
    expect(refused.statusCode).toBe(401);
    expect(thoughtSpot.received).toHaveLength(1);
  });

  it('reads Accept in any letter case, as other event sources send it', async () => {
    thoughtSpot.answer = (_req, res) => sendJson(res, 200, thoughtSpotTokenBody());
    const event = { routeKey: 'GET /token', claims: ada };
    const raw = httpApiEvent(event);
    delete raw.headers.accept;
    raw.headers.Accept = 'application/json';

    const response = await env.handler(raw);

    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(body(response).username).toBe('ada@example.com');
  });
});

describe('a Secrets Manager answer that is not JSON', () => {
  let secretsManager: ScriptedServer;
  let env: Environment;
  // Quotes, braces and a JSON fragment, in the text a parser's error message quotes.
  const key = leaks.key('quoted"}{"secret_key":"x');
  beforeAll(async () => {
    secretsManager = await startScriptedServer();
    // Not JSON at all: the SDK's JSON parser fails and its message quotes the text.
    secretsManager.answer = (_req, res) =>
      sendText(res, 200, `${key} {"SecretString": "${key}"}`, 'application/x-amz-json-1.1');
    env = await leaks.environment({
      clusterKey: CLUSTER_KEY,
      env: { AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url },
    });
  });
  afterAll(async () => {
    await env.close();
    await secretsManager.close();
  });

  it('answers 503 secret_unavailable and logs the parser error by name only', async () => {
    const response = await env.invoke({ routeKey: 'GET /token', claims: ada });

    expect(response.statusCode).toBe(503);
    expect(body(response).error.code).toBe('secret_unavailable');
    // One GetSecretValue for Org 0's key: a parser error is not retried.
    expect(secretsManager.received.map((request) => JSON.parse(request.body))).toEqual([
      { SecretId: secretIdOf(0) },
    ]);
    expect(leaks.logs()).toContain('"errorCause":"SyntaxError (HTTP 200)"');
  });
});
