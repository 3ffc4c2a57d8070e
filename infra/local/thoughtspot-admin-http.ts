// Routes the admin calls of the ThoughtSpot stand-in: password logins on
// auth/token/full, auth/configure and auth/search (404 on an old cluster), with
// admin faults played before, or after, the call takes effect.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearerToken, sendJson } from './http-server.js';
import {
  ADMIN_PATHS,
  type AdminApi,
  type AdminEndpoint,
  type AdminOutcome,
} from './thoughtspot-admin.js';
import { AdminFaultQueue, applyFault } from './thoughtspot-faults.js';
import { TOKEN_PATHS } from './thoughtspot-tokens.js';

export class AdminEndpoints {
  readonly faults = new AdminFaultQueue();

  constructor(
    private readonly api: AdminApi,
    private readonly now: () => number,
    /** Before 26.6.0.cl there is no configure or search: they answer 404. */
    public oldCluster: boolean,
  ) {}

  /** Answers the request when it is an admin call; false leaves it to other routes. */
  handle(req: IncomingMessage, res: ServerResponse, path: string, json: unknown): boolean {
    if (req.method !== 'POST') return false;
    if (TOKEN_PATHS[path] === 'full' && isPasswordLogin(json)) {
      this.answer(req, res, 'login', [], () => this.api.login(json));
      return true;
    }
    const endpoint = ADMIN_PATHS[path];
    if (endpoint === undefined || this.oldCluster) return false;
    const bearer = bearerToken(req);
    const statuses = endpoint === 'configure' ? this.api.requestedStatuses(json) : [];
    this.answer(req, res, endpoint, statuses, () => this.api.call(endpoint, bearer, json));
    return true;
  }

  private answer(
    req: IncomingMessage,
    res: ServerResponse,
    endpoint: AdminEndpoint,
    statuses: readonly string[],
    run: () => AdminOutcome,
  ): void {
    const fault = this.faults.take(endpoint, statuses);
    const applied = fault?.afterChange ? run() : undefined;
    const answer = () => send(res, applied ?? run());
    if (fault) applyFault(fault.fault, req, res, answer, this.now());
    else answer();
  }
}

/** `password` instead of `secret_key`: a login, not a trusted-auth token request. */
function isPasswordLogin(json: unknown): boolean {
  return typeof json === 'object' && json !== null && 'password' in json && !('secret_key' in json);
}

function send(res: ServerResponse, outcome: AdminOutcome): void {
  if (outcome.body) {
    sendJson(res, outcome.status, outcome.body);
    return;
  }
  res.writeHead(outcome.status);
  res.end();
}
