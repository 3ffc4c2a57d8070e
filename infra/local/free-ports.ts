// Port checks for `npm start`: a port already in use is reported up front, naming
// the port, what wanted it and the variable that moves it, instead of surfacing
// as a stack trace from deep inside serverless-offline.
import { createServer } from 'node:net';
import { LocalSetupError } from './local-setup-error.js';

export interface PortClaim {
  port: number;
  /** What listens there, e.g. "HTTP API". */
  role: string;
  /** The environment variable that chooses another port, e.g. "PORT". */
  envVar: string;
}

const portInUse = (claim: PortClaim) =>
  new LocalSetupError(
    `Port ${claim.port} (${claim.role}) is already in use on 127.0.0.1. ` +
      `Stop what is using it (\`lsof -i :${claim.port}\` shows it), or choose another port: ` +
      `${claim.envVar}=${suggestion(claim.port)} npm start`,
  );

const suggestion = (port: number) => (port < 65_000 ? port + 100 : port - 100);

/** Resolves when 127.0.0.1:port can be bound; rejects with a LocalSetupError naming the variable otherwise. */
export function assertPortFree(claim: PortClaim): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(portInUse(claim));
      else
        reject(
          new LocalSetupError(
            `Cannot listen on port ${claim.port} (${claim.role}, ${claim.envVar}): ${error.message}`,
          ),
        );
    });
    probe.listen({ port: claim.port, host: '127.0.0.1', exclusive: true }, () => {
      probe.close(() => resolve());
    });
  });
}

export async function assertPortsFree(claims: readonly PortClaim[]): Promise<void> {
  const seen = new Map<number, PortClaim>();
  for (const claim of claims) {
    const other = seen.get(claim.port);
    if (other) {
      throw new LocalSetupError(
        `${other.envVar} and ${claim.envVar} both ask for port ${claim.port}; give them different ports`,
      );
    }
    seen.set(claim.port, claim);
    await assertPortFree(claim);
  }
}

/** A port that was free a moment ago (tests: ports that serverless-offline must be told). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ port: 0, host: '127.0.0.1' }, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
