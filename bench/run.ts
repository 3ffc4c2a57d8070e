import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { coldStart } from './cold-start.js';
import { tlsConnections } from './connections.js';
import { timeToFirstToken } from './first-token.js';
import { lookups } from './lookups.js';
import { table } from './stats.js';
import { warmOverhead } from './warm.js';

/**
 * `npm run bench`: cold start, time to first token, warm overhead, Secrets Manager
 * lookups and upstream connections, ours beside the floor or a naive handler, in one run. Prints a table
 * and, last, one line of JSON. Figures only: nothing here asserts a timing.
 * Loopback only; no key or token is ever printed.
 */

const PROCESSES = Number(process.env.BENCH_PROCESSES ?? 21);
const WARM_REQUESTS = Number(process.env.BENCH_WARM_REQUESTS ?? 20_000);
const WARM_UP = 2_000;
const CONNECTION_REQUESTS = 1_000;

/** The goals, each the most its figure may be. */
const GOALS = {
  cold_start_ratio: 1.25,
  ttft_ratio: 1.2,
  warm_p99_us: 250,
  sm_calls_10k: 51,
  sm_calls_burst: 2,
  upstream_connections_1k: 1,
  upstream_tls_handshakes_1k: 1,
} as const;

const log = (line: string) => process.stdout.write(`${line}\n`);
const fmt = (value: number | undefined) =>
  value === undefined || Number.isNaN(value) ? 'n/a' : value.toLocaleString('en-US');
const atMost = (max: number) => `≤ ${max}`;
const floorOf = (max: number) => `${max} (floor)`;
/** The goal and met? cells of a figure that must not exceed `max`. */
const goal = (value: number, max: number, label = atMost): [string, string] => [
  label(max),
  value <= max ? 'yes' : 'NO',
];

const workDir = mkdtempSync(path.join(os.tmpdir(), 'token-service-bench-'));
try {
  log(
    `node ${process.version} · ${os.cpus().length} CPUs · load ${os
      .loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')} (shared machine: timings are noisy)`,
  );
  log(`1/5 cold start: packaging, then ${PROCESSES} fresh processes per bundle, alternating…`);
  const cold = await coldStart(workDir, PROCESSES);
  log(`2/5 time to first token: ${PROCESSES} fresh processes per bundle, alternating…`);
  const ttft = await timeToFirstToken(workDir, cold.production, PROCESSES);
  log(
    `3/5 warm overhead: ${WARM_REQUESTS} requests per handler after ${WARM_UP} warm-up, alternating blocks (child process)…`,
  );
  const warm = warmOverhead(WARM_REQUESTS, WARM_UP);
  log('4/5 Secrets Manager lookups over loopback HTTP…');
  const sm = await lookups();
  log(`5/5 connections: ${CONNECTION_REQUESTS} sequential requests over HTTPS (child process)…`);
  const tls = tlsConnections(CONNECTION_REQUESTS, workDir);
  if (!tls) log('    openssl not found: HTTPS run skipped');

  const rows: string[][] = [
    ['bundle_bytes', fmt(cold.bundle_bytes), `${fmt(cold.floor_bundle_bytes)} (floor)`, '', ''],
    ['cold_import_ms', fmt(cold.cold_import_ms), `${fmt(cold.floor_import_ms)} (floor)`, '', ''],
    [
      'cold_start_ratio',
      fmt(cold.cold_start_ratio),
      '1 (floor)',
      ...goal(cold.cold_start_ratio, GOALS.cold_start_ratio),
    ],
    [
      '  without --enable-source-maps',
      `${fmt(cold.cold_import_ms_no_source_maps)} ms`,
      `${fmt(cold.floor_import_ms_no_source_maps)} ms (floor)`,
      '',
      '',
    ],
    ['ttft_ms', fmt(ttft.ttft_ms), `${fmt(ttft.floor_ttft_ms)} (floor)`, '', ''],
    ['ttft_ratio', fmt(ttft.ttft_ratio), '1 (floor)', ...goal(ttft.ttft_ratio, GOALS.ttft_ratio)],
    ['warm_p50_us', fmt(warm.warm_p50_us), `${fmt(warm.naive_warm_p50_us)} (naive)`, '', ''],
    [
      'warm_p99_us',
      fmt(warm.warm_p99_us),
      `${fmt(warm.naive_warm_p99_us)} (naive)`,
      ...goal(warm.warm_p99_us, GOALS.warm_p99_us),
    ],
    [
      '  p99 of all requests pooled',
      `${fmt(warm.warm_p99_pooled_us)} µs`,
      `${fmt(warm.naive_warm_p99_pooled_us)} µs (naive)`,
      '',
      '',
    ],
    [
      'sm_calls_10k',
      fmt(sm.sm_calls_10k),
      `${fmt(sm.naive_sm_calls_10k)} (naive)`,
      ...goal(sm.sm_calls_10k, GOALS.sm_calls_10k, floorOf),
    ],
    [
      'sm_calls_burst',
      fmt(sm.sm_calls_burst),
      `${fmt(sm.naive_sm_calls_burst)} (naive)`,
      ...goal(sm.sm_calls_burst, GOALS.sm_calls_burst, floorOf),
    ],
  ];
  if (tls) {
    rows.push(
      [
        'upstream_connections_1k',
        fmt(tls.upstream_connections_1k),
        `${fmt(tls.naive_upstream_connections_1k)} (naive)`,
        ...goal(tls.upstream_connections_1k, GOALS.upstream_connections_1k, String),
      ],
      [
        'upstream_tls_handshakes_1k',
        fmt(tls.upstream_tls_handshakes_1k),
        `${fmt(tls.naive_upstream_tls_handshakes_1k)} (naive)`,
        ...goal(tls.upstream_tls_handshakes_1k, GOALS.upstream_tls_handshakes_1k, String),
      ],
      [
        '  back-to-back invocations',
        `${fmt(tls.backToBack.ours.connections)} conn.`,
        `${fmt(tls.backToBack.naive.connections)} conn. (naive)`,
        '',
        '',
      ],
    );
  }
  log('');
  log(table(['metric', 'ours', 'floor / naive', 'goal', 'met?'], rows));
  log('');
  log(
    `Cold: medians of ${cold.processes} processes each (Node 22, NODE_OPTIONS=--enable-source-maps as deployed); ` +
      `esbuild API build ${cold.apiBuildMatchesZip ? 'matches' : 'DIFFERS FROM'} the packaged bundle byte for byte.`,
  );
  log(
    `First token: medians of ${ttft.processes} processes each, import plus one GET /token through the ` +
      `stand-ins over loopback HTTP; floor = bare SDK client, GetSecretValue, POST to ThoughtSpot.`,
  );
  log(
    `Largest bundle inputs (bytes): ${cold.largest.map((input) => `${input.name} ${fmt(input.bytes)}`).join(', ')}.`,
  );
  log(
    `Warm: child process; ThoughtSpot = fetch replacement, Secrets Manager = aws-sdk-client-mock; logs and EMF metrics ` +
      `produced as in production (${fmt(warm.logBytesPerRequest)} bytes/request) into a sink instead of stdout; ` +
      `ours and naive alternate in blocks of 1,000; p99 = median of the blocks' p99s.`,
  );
  log(
    `Lookups/connections: real HTTP on 127.0.0.1 to the stand-ins; 10,000 requests over 50 Orgs (25 own key), ` +
      `concurrency 50; burst of 200 for one Org without a key; "Lambda-like" = one event-loop turn between invocations.`,
  );
  const failures = warm.nonOkResponses + sm.failures + (tls?.failures ?? 0);
  if (failures > 0) log(`WARNING: ${failures} responses were not 200.`);
  log('');
  log(
    JSON.stringify({
      bundle_bytes: cold.bundle_bytes,
      floor_bundle_bytes: cold.floor_bundle_bytes,
      cold_import_ms: cold.cold_import_ms,
      floor_import_ms: cold.floor_import_ms,
      cold_start_ratio: cold.cold_start_ratio,
      ttft_ms: ttft.ttft_ms,
      floor_ttft_ms: ttft.floor_ttft_ms,
      ttft_ratio: ttft.ttft_ratio,
      warm_p50_us: warm.warm_p50_us,
      warm_p99_us: warm.warm_p99_us,
      naive_warm_p50_us: warm.naive_warm_p50_us,
      sm_calls_10k: sm.sm_calls_10k,
      sm_calls_burst: sm.sm_calls_burst,
      naive_sm_calls_10k: sm.naive_sm_calls_10k,
      naive_sm_calls_burst: sm.naive_sm_calls_burst,
      upstream_connections_1k: tls?.upstream_connections_1k ?? null,
      upstream_tls_handshakes_1k: tls?.upstream_tls_handshakes_1k ?? null,
      naive_upstream_connections_1k: tls?.naive_upstream_connections_1k ?? null,
      // Beyond the named figures:
      naive_warm_p99_us: warm.naive_warm_p99_us,
      warm_p99_pooled_us: warm.warm_p99_pooled_us,
      naive_warm_p99_pooled_us: warm.naive_warm_p99_pooled_us,
      cold_import_ms_no_source_maps: cold.cold_import_ms_no_source_maps,
      floor_import_ms_no_source_maps: cold.floor_import_ms_no_source_maps,
      upstream_connections_1k_back_to_back: tls?.backToBack.ours.connections ?? null,
    }),
  );
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
