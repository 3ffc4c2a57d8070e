// The ThoughtSpot stand-in as an HTTP server: unknown paths, a prompt close() whatever
// is open, and the TCP connections and TLS handshakes it counts for the benchmarks,
// over plain HTTP and HTTPS.
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../infra/local/certificate.js';
import { startThoughtSpotStandIn } from '../../infra/local/thoughtspot-stand-in.js';
import { rejection } from '../support/errors.js';
import { waitFor } from './support/wait-for.js';

const CLUSTER_KEY = 'cluster-key-0f3c9a';

describe('ThoughtSpot stand-in server', () => {
  it('answers unknown paths with 404', async () => {
    const ts = await startThoughtSpotStandIn({ clusterKey: CLUSTER_KEY });
    try {
      const response = await fetch(`${ts.url}/api/rest/2.0/nothing-here`);
      expect(response.status).toBe(404);
    } finally {
      await ts.close();
    }
  });

  it('close() resolves promptly with a hung request and an idle keep-alive connection open', async () => {
    const doomed = await startThoughtSpotStandIn({ clusterKey: CLUSTER_KEY });
    await fetch(`${doomed.url}/callosum/v1/session/isactive`);
    doomed.injectFaults({ kind: 'hang' });
    const pending = rejection(
      fetch(`${doomed.url}/api/rest/2.0/auth/token/full`, { method: 'POST', body: '{}' }),
    );
    await waitFor(() => doomed.requests.length === 2);
    const started = Date.now();
    await doomed.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await pending).message).toBe('fetch failed');
  });
  it('counts one TCP connection for sequential keep-alive requests, one per request without', async () => {
    const ts = await startThoughtSpotStandIn({ clusterKey: CLUSTER_KEY });
    try {
      for (const _ of [1, 2, 3]) {
        const response = await fetch(`${ts.url}/api/rest/2.0/auth/token/full`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'ana', secret_key: CLUSTER_KEY }),
        });
        expect(response.status).toBe(200);
        await response.arrayBuffer();
        // undici returns the socket to its pool a tick after the body ends; a
        // request issued in the same tick would open a second connection.
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(ts.connections).toBe(1);
      expect(ts.tlsHandshakes).toBe(0);

      ts.resetCounters();
      const noKeepAlive = new HttpAgent({ keepAlive: false });
      for (const _ of [1, 2]) await getStatus(httpRequest, `${ts.url}/x`, noKeepAlive);
      expect(ts.connections).toBe(2);
    } finally {
      await ts.close();
    }
  });

  it('serves HTTPS with the given certificate and counts TLS handshakes', async () => {
    const { key, cert } = selfSignedCertificate();
    const ts = await startThoughtSpotStandIn({ clusterKey: CLUSTER_KEY, tls: { key, cert } });
    try {
      expect(ts.url).toBe(`https://127.0.0.1:${ts.port}`);
      const agent = new HttpsAgent({ keepAlive: true, ca: cert });
      expect(await getStatus(httpsRequest, `${ts.url}/callosum/v1/session/isactive`, agent)).toBe(
        401,
      );
      expect(await getStatus(httpsRequest, `${ts.url}/callosum/v1/session/isactive`, agent)).toBe(
        401,
      );
      expect(ts.tlsHandshakes).toBe(1);
      expect(ts.connections).toBe(1);
      agent.destroy();

      const untrusting = new HttpsAgent({ keepAlive: false });
      const error = await rejection(getStatus(httpsRequest, `${ts.url}/x`, untrusting));
      expect(error.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
      expect(ts.tlsHandshakes).toBe(1);
    } finally {
      await ts.close();
    }
  });
});

/** A GET with node:http(s) and an explicit agent, resolving to the status code. */
function getStatus(
  requestFn: typeof httpRequest | typeof httpsRequest,
  url: string,
  agent: HttpAgent,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = requestFn(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}
