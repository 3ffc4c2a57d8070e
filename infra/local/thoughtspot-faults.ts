// Failure modes a token service meets in front of a real cluster: overload,
// proxies answering HTML, cut connections, slow nodes. Injected per request so
// tests can script "fail once, then succeed" and benchmarks can add noise.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resetConnection, sendJson, sendText } from './http-server.js';
import { errorBody } from './thoughtspot-tokens.js';

export type ThoughtSpotFault =
  /** Any status; body defaults to a ThoughtSpot-shaped JSON error. */
  | { kind: 'status'; status: number; body?: string; contentType?: string }
  /** 429, as the 26.2.0.cl+ per-IP rate limit answers; Retry-After only when given. */
  | { kind: 'rate-limit'; retryAfterSeconds?: number }
  /** Never answers; the socket is destroyed by close(). */
  | { kind: 'hang' }
  /** Destroys the socket without a response. */
  | { kind: 'reset' }
  /** 200 with truncated JSON. */
  | { kind: 'malformed' }
  /** 502 text/html page, as a load balancer in front of the cluster sends. */
  | { kind: 'html' }
  /** 200 JSON that looks like a token response but has no `token`. */
  | { kind: 'missing-token' }
  /** Answers normally after `ms`. */
  | { kind: 'delay'; ms: number };

/** A fault for one admin call (THOUGHTSPOT-FACTS §7), e.g. the next configure ENABLED. */
export interface AdminFault {
  /** The password login on auth/token/full, auth/configure or auth/search. */
  endpoint: 'login' | 'configure' | 'search';
  /** configure only: a request that sets this auth_status at any level. */
  authStatus?: 'ENABLED' | 'DISABLED';
  fault: ThoughtSpotFault;
  /** Make the change first, then play the fault: a lost answer, not a refused request. */
  afterChange?: boolean;
}

/** Admin faults wait for the first call they match, each used once. */
export class AdminFaultQueue {
  private faults: AdminFault[] = [];

  push(...faults: AdminFault[]): void {
    this.faults.push(...faults);
  }

  clear(): void {
    this.faults = [];
  }

  take(endpoint: AdminFault['endpoint'], statuses: readonly string[]): AdminFault | undefined {
    const index = this.faults.findIndex(
      (fault) =>
        fault.endpoint === endpoint &&
        (fault.authStatus === undefined || statuses.includes(fault.authStatus)),
    );
    return index < 0 ? undefined : this.faults.splice(index, 1)[0];
  }
}

/** Queued faults first, then (optionally) random ones at a configured rate. */
export class FaultQueue {
  private queue: ThoughtSpotFault[] = [];
  private rate = 0;
  private randomKinds: ThoughtSpotFault[] = [];

  push(...faults: ThoughtSpotFault[]): void {
    this.queue.push(...faults);
  }

  setRate(rate: number, kinds: ThoughtSpotFault[]): void {
    if (!(rate >= 0 && rate <= 1)) throw new RangeError('fault rate must be between 0 and 1');
    this.rate = rate;
    this.randomKinds = [...kinds];
  }

  clear(): void {
    this.queue = [];
    this.rate = 0;
    this.randomKinds = [];
  }

  /** The fault for the next token request, if any. */
  next(): ThoughtSpotFault | undefined {
    const queued = this.queue.shift();
    if (queued) return queued;
    if (this.randomKinds.length === 0 || Math.random() >= this.rate) return undefined;
    return this.randomKinds[Math.floor(Math.random() * this.randomKinds.length)];
  }
}

const HTML_502 =
  '<html><head><title>502 Bad Gateway</title></head>' +
  '<body><center><h1>502 Bad Gateway</h1></center></body></html>';

/**
 * Plays out a fault. Calls `proceed` when the request should then be answered
 * normally (only 'delay' does).
 */
export function applyFault(
  fault: ThoughtSpotFault,
  req: IncomingMessage,
  res: ServerResponse,
  proceed: () => void,
  now: number,
): void {
  switch (fault.kind) {
    case 'status': {
      const body = fault.body ?? JSON.stringify(errorBody(10038, 'Injected fault'));
      sendText(res, fault.status, body, fault.contentType ?? 'application/json');
      return;
    }
    case 'rate-limit': {
      const headers: Record<string, string> =
        fault.retryAfterSeconds === undefined
          ? {}
          : { 'retry-after': String(fault.retryAfterSeconds) };
      // The 429 body is undocumented; no error code is invented for it.
      sendJson(res, 429, { error: { message: { debug: 'Rate limit exceeded' } } }, headers);
      return;
    }
    case 'hang':
      return;
    case 'reset':
      resetConnection(req);
      return;
    case 'malformed':
      sendText(res, 200, '{"token": ', 'application/json');
      return;
    case 'html':
      sendText(res, 502, HTML_502, 'text/html');
      return;
    case 'missing-token':
      sendJson(res, 200, {
        creation_time_in_millis: now,
        expiration_time_in_millis: now + 300_000,
        scope: { access_type: 'FULL', org_id: 0, metadata_id: null },
        valid_for_user_id: '00000000-0000-4000-8000-000000000000',
        valid_for_username: 'unknown',
      });
      return;
    case 'delay':
      setTimeout(() => {
        // close() may have destroyed the socket while we waited.
        if (!res.destroyed && !req.socket.destroyed) proceed();
      }, fault.ms);
      return;
  }
}
