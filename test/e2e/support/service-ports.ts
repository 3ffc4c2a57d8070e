import { freePort } from '../../../infra/local/free-ports.js';

/** Free ports for a `startLocalService` run (the Secrets Manager stand-in takes any). */
export async function freeServicePorts() {
  return {
    http: await freePort(),
    lambda: await freePort(),
    thoughtSpot: await freePort(),
    demo: await freePort(),
    secretsManager: 0,
  };
}
