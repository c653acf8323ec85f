import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import pg from 'pg';
import type { BenchOptions } from './bench-options.js';
import type { BenchPostgres } from './bench-postgres.js';
import type { BenchResults } from './bench-results.js';
import { startCeiling, startOurs, startPeer, type Contender } from './contenders.js';
import { assertSameTrees, canonicalFromOurs, canonicalFromPeer } from './full-tree-equivalence.js';
import { measure, measureInterleaved, type LoadTarget } from './load.js';
import { measurePaced } from './paced-load.js';
import {
  CALENDAR,
  CALENDAR_MONTH,
  ceilingRequest,
  entitiesRequest,
  FULL_TREE,
  modifyVariants,
  ourRequest,
  peerFullTreeRequest,
  post,
  SESSIONS,
  type RequestVariant,
} from './operations.js';
import { athleteId, libraryProgramIds, libraryUserId } from './seed-corpus.js';
import { countStatements, enableStatementStats } from './statement-count.js';

/** Athletes whose programs `modifyProgram` edits (at most). */
const MODIFY_USERS = 200;
/** Sockets the paced half-load rounds may open: far more than half-load ever keeps busy, so the client never queues. */
const HALF_LOAD_MAX_CONNECTIONS = 64;

/**
 * The HTTP half of the bench on the backfilled corpus: start the contenders,
 * prove they return the same data, count statements, then load them.
 */
export async function benchHttp(
  pgs: BenchPostgres,
  database: string,
  root: string,
  options: BenchOptions,
  results: BenchResults,
  log: (line: string) => void,
): Promise<void> {
  const url = pgs.url(database);
  await installPeerFunction(url, root);
  await enableStatementStats(pgs);
  log('servers: starting ours (legacy, versioned), the ceiling and the peer…');
  const [legacy, versioned, ceiling, peer, baseline] = await Promise.all([
    startOurs(root, url, 'legacy'),
    startOurs(root, url, 'versioned'),
    startCeiling(root, url),
    startPeer(root, url),
    options.baselineRoot ? startOurs(options.baselineRoot, url, 'versioned') : undefined,
  ]);
  try {
    const athletes = Array.from({ length: options.users }, (_, i) => athleteId(i + 1));
    const library = Array.from({ length: options.libraryUsers }, (_, j) => ({ user: libraryUserId(j + 1), programs: libraryProgramIds(j + 1) }));
    const variants = {
      fullTree: athletes.map((u) => ourRequest(u, FULL_TREE)),
      peer: athletes.map(peerFullTreeRequest),
      ceiling: athletes.map(ceilingRequest),
      sessions: athletes.map((u) => ourRequest(u, SESSIONS)),
      calendar: athletes.map((u) => ourRequest(u, CALENDAR, CALENDAR_MONTH)),
      entities: library.map((l) => entitiesRequest(l.user, l.programs)),
    };

    log(`equivalence: comparing the full tree of ${options.equivalenceUsers} users across ours (both paths), the peer and the ceiling…`);
    const step = Math.max(1, Math.floor(athletes.length / options.equivalenceUsers));
    for (let i = 0; i < athletes.length && i / step < options.equivalenceUsers; i += step) {
      const user = athletes[i]!;
      const [v, l, p, c] = await Promise.all([
        post(versioned.url, variants.fullTree[i]!),
        post(legacy.url, variants.fullTree[i]!),
        post(peer.url, variants.peer[i]!),
        post(ceiling.url, variants.ceiling[i]!),
      ]);
      assertSameTrees(user, { 'ours (versioned)': canonicalFromOurs(v), 'ours (legacy)': canonicalFromOurs(l), peer: canonicalFromPeer(p), ceiling: canonicalFromOurs(c) });
    }
    for (const [name, list] of [['sessions', variants.sessions], ['calendar', variants.calendar], ['entities', variants.entities]] as const) {
      for (const variant of list.slice(0, 3)) {
        const [a, b] = await Promise.all([post(legacy.url, variant), post(versioned.url, variant)]);
        if (a.errors || b.errors) throw new Error(`${name}: GraphQL errors: ${JSON.stringify(a.errors ?? b.errors).slice(0, 500)}`);
        if (!isDeepStrictEqual(a, b)) results.readPathMismatches.push(`${name} for ${JSON.stringify(variant.headers['x-user-id'])}: legacy and versioned responses differ`);
      }
    }
    if (baseline) {
      log(`baseline: ${options.baselineRoot} (versioned read path) answers as ours does…`);
      for (const [name, list] of [['sessions', variants.sessions], ['calendar', variants.calendar], ['entities', variants.entities]] as const) {
        for (const variant of list.slice(0, 3)) {
          const [a, b] = await Promise.all([post(baseline.url, variant), post(versioned.url, variant)]);
          if (!isDeepStrictEqual(a, b)) throw new Error(`${name}: the baseline's answer differs from ours: ${JSON.stringify(a).slice(0, 300)}`);
        }
      }
    }
    const entities = (await post(versioned.url, variants.entities[0]!)).data._entities as unknown[];
    if (entities.filter((e) => e !== null).length !== 50) throw new Error(`_entities resolved ${entities.filter((e) => e !== null).length} of 50 programs`);

    const modify = await modifyVariants(versioned.url, athletes.slice(0, MODIFY_USERS));
    const counted = athletes.length > MODIFY_USERS ? athletes[MODIFY_USERS]! : athletes.at(-1)!;
    const [modifyWarm, modifyCounted] = await modifyVariants(versioned.url, [counted]);

    log('statements: one request per operation on an idle server…');
    const count = (c: Contender, v: RequestVariant, warmup = v) => countStatements(pgs, database, c.url, v, warmup);
    results.sqlPerOperation.byOperation = {
      fullTree: { versioned: await count(versioned, variants.fullTree[0]!), legacy: await count(legacy, variants.fullTree[0]!), peer: await count(peer, variants.peer[0]!), ceiling: await count(ceiling, variants.ceiling[0]!) },
      sessions: { versioned: await count(versioned, variants.sessions[0]!), legacy: await count(legacy, variants.sessions[0]!) },
      calendar: { versioned: await count(versioned, variants.calendar[0]!), legacy: await count(legacy, variants.calendar[0]!) },
      entities50: { versioned: await count(versioned, variants.entities[0]!), legacy: await count(legacy, variants.entities[0]!) },
      // Warm-up and counted edits differ, so that the counted one is a real change.
      modifyProgram: { versioned: await count(versioned, modifyCounted!, modifyWarm!), legacy: await count(legacy, modifyCounted!, modifyWarm!) },
    };
    results.sqlPerOperation.fullTree = results.sqlPerOperation.byOperation.fullTree!.versioned!.postgres;

    const plan = { connections: options.connections, warmupSeconds: options.warmupSeconds, rounds: options.rounds, seconds: options.roundSeconds };
    const target = (c: Contender, v: readonly RequestVariant[]): LoadTarget => ({ url: c.url, variants: v });
    log(`load: fullTree — ours (versioned, legacy), peer, ceiling, rounds interleaved…`);
    results.operations.fullTree = await measureInterleaved(
      { versioned: target(versioned, variants.fullTree), legacy: target(legacy, variants.fullTree), peer: target(peer, variants.peer), ceiling: target(ceiling, variants.ceiling) },
      plan,
    );
    for (const [operation, list] of [['sessions', variants.sessions], ['calendar', variants.calendar], ['entities50', variants.entities]] as const) {
      log(`load: ${operation}…`);
      results.operations[operation] = baseline
        ? await measureInterleaved({ versioned: target(versioned, list), legacy: target(legacy, list), baseline: target(baseline, list) }, plan)
        : { versioned: await measure(target(versioned, list), plan), legacy: await measure(target(legacy, list), plan) };
    }

    log('load: p99 at half of peak load — ours (versioned) and the ceiling…');
    results.halfLoad = {};
    for (const [name, contender, list] of [['versioned', versioned, variants.fullTree], ['ceiling', ceiling, variants.ceiling]] as const) {
      const peak = results.operations.fullTree[name]!.requestsPerSecond;
      const rate = Math.max(1, Math.round(peak / 2));
      const f = await measurePaced(target(contender, list), { rate, seconds: plan.seconds, rounds: plan.rounds, maxConnections: HALF_LOAD_MAX_CONNECTIONS });
      results.halfLoad[name] = {
        requestsPerSecond: f.requestsPerSecond,
        p50Ms: f.p50Ms,
        p99Ms: f.p99Ms,
        maxMs: f.maxMs,
        targetRate: rate,
        failures: f.failures,
        stalls: f.stalls,
        loaderMaxDelayMs: f.loaderMaxDelayMs,
        loaderFullCollections: f.loaderFullCollections,
        loaderFullCollectionMs: f.loaderFullCollectionMs,
        ...(f.stealPercent !== null && { stealPercent: f.stealPercent }),
      };
    }

    // Writes last: they add versions, which the reads above must not see half-way. Rounds interleaved as the reads'
    // are, so that the tables' growth and the machine's drift fall on every contender alike; each edits the same
    // programs, so each also edits versions another process wrote (as replicas of a service do).
    log(`load: modifyProgram (WRITES on) — ours (legacy, versioned read path)${baseline ? ' and the baseline' : ''}, rounds interleaved…`);
    results.operations.modifyProgram = await measureInterleaved(
      { legacy: target(legacy, modify), versioned: target(versioned, modify), ...(baseline ? { baseline: target(baseline, modify) } : {}) },
      plan,
    );
  } finally {
    await Promise.all([legacy, versioned, ceiling, peer, ...(baseline ? [baseline] : [])].map((c) => c.child.stop()));
  }
}

/** The peer's computed column (bench/peer/last-performance.sql), created in the bench database before PostGraphile introspects it. */
async function installPeerFunction(url: string, root: string): Promise<void> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    await client.query(readFileSync(join(root, 'bench', 'peer', 'last-performance.sql'), 'utf8'));
  } finally {
    await client.end();
  }
}
