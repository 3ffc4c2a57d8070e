import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type ListeningServer, listen, readBody } from '../../../infra/local/http-server.js';

/**
 * A bare HTTP server on 127.0.0.1 whose answer each test scripts: for upstream
 * behaviour the stand-ins have no reason to model (a redirecting or lying
 * ThoughtSpot, a Secrets Manager answering garbage). It records every request.
 */
export interface ScriptedServer extends ListeningServer {
  answer: (req: IncomingMessage, res: ServerResponse, body: string) => void;
  readonly received: { method: string; path: string; body: string }[];
}

export async function startScriptedServer(): Promise<ScriptedServer> {
  const received: ScriptedServer['received'] = [];
  const state = {
    answer: ((_req, res) => {
      res.writeHead(500).end();
    }) as ScriptedServer['answer'],
  };
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    received.push({ method: req.method ?? '', path: req.url ?? '', body });
    state.answer(req, res, body);
  });
  const listening = await listen(server, { scheme: 'http' });
  return {
    url: listening.url,
    port: listening.port,
    close: () => listening.close(),
    received,
    get answer() {
      return state.answer;
    },
    set answer(next) {
      state.answer = next;
    },
  };
}
