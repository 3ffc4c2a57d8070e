// Shared plumbing for the local stand-ins: listening, reading bodies, and a
// close() that never leaves a test hanging on a keep-alive or "hung" socket.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Server, Socket } from 'node:net';
import { TLSSocket } from 'node:tls';

export interface ListeningServer {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:43123 */
  readonly url: string;
  readonly port: number;
  /** Stops listening and destroys every open socket, idle or mid-request. */
  close(): Promise<void>;
}

export interface ListenOptions {
  host?: string;
  /** 0 (the default) picks a free ephemeral port. */
  port?: number;
  scheme: 'http' | 'https';
}

/** Largest request body a stand-in accepts; real clients send a few hundred bytes. */
export const MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

export async function listen(server: Server, options: ListenOptions): Promise<ListeningServer> {
  const host = options.host ?? '127.0.0.1';
  // Tracked from the raw 'connection' event so close() also reaches sockets
  // that never finished a request (hang faults, half-done TLS handshakes).
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const { port } = server.address() as AddressInfo;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  let closing: Promise<void> | undefined;
  return {
    url: `${options.scheme}://${urlHost}:${port}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

/** Reads the whole body as UTF-8, refusing anything over MAX_BODY_BYTES. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError('request body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  contentType = 'application/json',
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  contentType: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...headers,
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** The value of cookie `name` in a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export const bearerToken = (req: IncomingMessage): string | undefined =>
  /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];

/** Abruptly kills the connection (TCP RST where possible), as a crashed proxy would. */
export function resetConnection(req: IncomingMessage): void {
  const socket = req.socket;
  // resetAndDestroy() only works on plain TCP handles; TLS sockets just get destroyed.
  if (socket instanceof TLSSocket) socket.destroy();
  else socket.resetAndDestroy();
}
