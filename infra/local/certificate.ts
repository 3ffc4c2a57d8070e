import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Throwaway self-signed certificates for 127.0.0.1, valid one day, made with the
 * machine's openssl: the ThoughtSpot stand-in serves HTTPS with one in the tests (in
 * e2e, so the browser keeps the SDK's `SameSite=None; Secure` session cookie, as it
 * would from a real cluster) and in the bench's connection count.
 */

/** Writes key.pem and cert.pem into `dir`; undefined when openssl is missing or fails. */
export function writeSelfSignedCertificate(
  dir: string,
): { keyFile: string; certFile: string } | undefined {
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  const result = spawnSync(
    'openssl',
    [
      ...'req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1'.split(' '),
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return result.status === 0 ? { keyFile, certFile } : undefined;
}

/** The PEM bytes of a new certificate; its files are removed at once. Throws without openssl. */
export function selfSignedCertificate(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(path.join(tmpdir(), 'stand-in-tls-'));
  try {
    const files = writeSelfSignedCertificate(dir);
    if (!files) throw new Error('openssl could not make a self-signed certificate');
    return { key: readFileSync(files.keyFile), cert: readFileSync(files.certFile) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
