import { Agent, createServer, request } from 'node:http';
import * as z from 'zod';
import { parseJson } from '../../../functions/lib/json.js';
import { type ListeningServer, listen, readBody } from '../../../infra/local/http-server.js';
import type { SecretsManagerCall } from '../../../infra/local/secrets-manager-stand-in.js';

/**
 * A loopback pass-through in front of the Secrets Manager stand-in. A function pointed at
 * it (AWS_ENDPOINT_URL_SECRETS_MANAGER) reaches the same stand-in, and its calls are
 * recorded on the way exactly as the stand-in records them, so a test can tell that
 * function's calls from those of another function sharing the stand-in.
 */
export interface CountingProxy extends ListeningServer {
  /** Every call forwarded, in arrival order: the operation and the SecretId as sent. */
  readonly calls: readonly SecretsManagerCall[];
}

const TARGET_PREFIX = 'secretsmanager.';

const IdentifiersSchema = z.object({
  SecretId: z.string().optional(),
  Name: z.string().optional(),
});

/** The call as the stand-in records it (secrets-manager-stand-in.ts). */
function callOf(target: string | string[] | undefined, body: string): SecretsManagerCall {
  const operation =
    typeof target === 'string' && target.startsWith(TARGET_PREFIX)
      ? target.slice(TARGET_PREFIX.length)
      : 'unknown';
  const ids = IdentifiersSchema.safeParse(parseJson(body));
  const secretId = ids.success ? (ids.data.SecretId ?? ids.data.Name) : undefined;
  return secretId === undefined ? { operation } : { operation, secretId };
}

export async function startCountingProxy(targetUrl: string): Promise<CountingProxy> {
  const target = new URL(targetUrl);
  const agent = new Agent({ keepAlive: true });
  const calls: SecretsManagerCall[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      calls.push(callOf(req.headers['x-amz-target'], body));
      const upstream = request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
          agent,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    })().catch(() => res.destroy());
  });
  const listening = await listen(server, { scheme: 'http' });
  return {
    ...listening,
    calls,
    async close() {
      await listening.close();
      agent.destroy();
    },
  };
}
