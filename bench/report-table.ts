import type { BenchResults } from './bench-results.js';

const fmt = (n: number | null | undefined, digits = 1): string => (n === null || n === undefined || !Number.isFinite(n) ? '—' : n.toFixed(digits));

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The human-readable report: one table of the loads, then backfill, start-up, ratios and targets. */
export function renderReport(r: BenchResults): string {
  const out: string[] = [];
  out.push(`\n=== bench (${r.mode}) — ${r.machine.cpus} CPU ${r.machine.cpuModel}, node ${r.machine.node}; postgres ${r.postgres.version ?? ''}`);
  out.push(`postgres settings: ${Object.entries(r.postgres.settings).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  if (r.corpus) {
    const c = r.corpus;
    out.push(`corpus: ${c.users} athletes (+${c.libraryUsers} library users), ${c.programs} programs, ${c.sessions} sessions, ${c.sets} sets (seeded in ${fmt(c.seedSeconds)} s)`);
  }
  out.push(`load: autocannon, ${r.load.connections} connections, ${r.load.warmupSeconds} s warm-up, median of ${r.load.rounds} × ${r.load.roundSeconds} s; pool ${r.load.poolSize} per server\n`);

  const ceiling = r.operations.fullTree?.ceiling?.requestsPerSecond;
  const peer = r.operations.fullTree?.peer?.requestsPerSecond;
  const rows: string[][] = [];
  for (const [operation, byContender] of Object.entries(r.operations)) {
    for (const [contender, f] of Object.entries(byContender)) {
      const sql = r.sqlPerOperation.byOperation[operation]?.[contender];
      const isOurs = contender === 'legacy' || contender === 'versioned';
      rows.push([
        operation,
        contender,
        fmt(f.requestsPerSecond, 0),
        fmt(f.p50Ms),
        fmt(f.p99Ms),
        sql ? `${sql.header ?? '—'} / ${sql.postgres}` : '—',
        operation === 'fullTree' && isOurs && ceiling ? fmt(f.requestsPerSecond / ceiling, 2) : '',
        operation === 'fullTree' && isOurs && peer ? fmt(f.requestsPerSecond / peer, 2) : '',
        f.failures ? String(f.failures) : '0',
      ]);
    }
  }
  out.push(table(['operation', 'contender', 'req/s', 'p50 ms', 'p99 ms', 'SQL hdr/pg', '÷ceiling', '÷peer', 'failed'], rows));
  out.push('SQL hdr/pg: statements per request as the server reports them (x-sql-statements; ours sends it outside production only, the test suite asserts it) / as counted by pg_stat_statements (top level, incl. BEGIN/COMMIT).');

  if (r.halfLoad) {
    out.push('\np99 at half of peak load (open model: evenly spaced requests, latency from when each was due):');
    for (const [name, h] of Object.entries(r.halfLoad)) {
      out.push(`  ${name.padEnd(10)} ${fmt(h.targetRate, 0).padStart(6)} req/s offered → ${fmt(h.requestsPerSecond, 0)} req/s, p50 ${fmt(h.p50Ms)} ms, p99 ${fmt(h.p99Ms)} ms${h.maxMs === undefined ? '' : `, max ${fmt(h.maxMs)} ms`}${h.failures ? `, ${h.failures} failed` : ''}`);
      if (h.loaderMaxDelayMs !== undefined) out.push(`    ${''.padEnd(10)} the loader's longest event-loop delay ${fmt(h.loaderMaxDelayMs)} ms${h.loaderFullCollections === undefined ? '' : `, its own full collections ${h.loaderFullCollections} (${fmt(h.loaderFullCollectionMs ?? 0)} ms of pauses)`}${h.stealPercent === undefined ? '' : `, steal ${fmt(h.stealPercent)}%`}`);
      for (const s of h.stalls ?? []) out.push(`    ${''.padEnd(10)} stall from ${s.at}: ${s.requests} requests over 100 ms, worst ${fmt(s.maxMs)} ms`);
    }
  }
  if (r.backfill) {
    out.push('\nbackfill (the `npm run backfill` command line, a child process) beside its set-based SQL ceiling (same legacy data, fresh copy):');
    out.push(
      table(
        ['sets', 'sessions', 'backfill s', 'rows/s', 'sets/s', 'peak RSS MB', 'ceiling s', 'ceiling sets/s', 'time ÷ ceiling'],
        r.backfill.sizes.map((s) => [
          String(s.sets),
          String(s.sessions),
          s.backfill.failure ? `FAILED ${fmt(s.backfill.wallSeconds)}` : fmt(s.backfill.wallSeconds),
          fmt(s.backfill.rowsPerSecond, 0),
          fmt(s.backfill.setsPerSecond, 0),
          fmt(s.backfill.peakRssMb, 0),
          fmt(s.ceiling?.seconds),
          fmt(s.ceiling?.setsPerSecond, 0),
          fmt(s.timeVsCeiling, 2),
        ]),
      ),
    );
    out.push(`command: ${r.backfill.sizes[0]?.backfill.command ?? ''}`);
    out.push(`rows/s = (programs + sessions) / s, as the command reports it. Peak RSS growth from the smaller to the larger corpus: ×${fmt(r.backfill.peakRssGrowth, 2)}`);
    for (const s of r.backfill.sizes) {
      if (s.backfill.failure) out.push(`FAILED at ${s.sets} sets: ${s.backfill.failure.message.split('\n')[0]} (resumed without the heap cap in ${fmt(s.backfill.failure.resumedUncappedSeconds)} s to go on)`);
    }
    const w = r.backfill.workerScaling;
    if (w) {
      out.push(`worker scaling on the bench corpus (${w.sets} sets, \`--workers N\`, each on a fresh copy): ×${fmt(w.speedup, 2)} rows/s from 1 to 2 workers`);
      for (const run of w.runs) out.push(`  ${run.workers} worker(s): ${fmt(run.rowsPerSecond, 0)} rows/s, ${fmt(run.setsPerSecond, 0)} sets/s, ${fmt(run.wallSeconds)} s wall, command CPU ${fmt(run.commandCpuSeconds)} s`);
    }
  }
  if (r.startup) out.push(`\nstart-up to first answer (tsx src/cli/start.ts): cold ${fmt(r.startup.coldMs / 1000, 2)} s (fresh DATA_DIR), warm ${fmt(r.startup.warmMs / 1000, 2)} s`);
  out.push(`\nratios: fullTreeVsPeer ${fmt(r.ratios.fullTreeVsPeer, 2)}, fullTreeVsCeiling ${fmt(r.ratios.fullTreeVsCeiling, 2)} (versioned path); legacy path: vs peer ${fmt(r.ratios.fullTreeLegacyVsPeer, 2)}, vs ceiling ${fmt(r.ratios.fullTreeLegacyVsCeiling, 2)}; half-load p99 vs ceiling ${fmt(r.ratios.halfLoadP99VsCeiling, 2)}`);
  if (r.targets) {
    out.push('targets:');
    for (const [name, t] of Object.entries(r.targets)) out.push(`  ${t.met ? 'met    ' : 'NOT MET'}  ${name}: ${t.target} (this run: ${fmt(t.value, 2)})`);
  }
  if (r.readPathMismatches.length) out.push(`\nread-path mismatches (legacy vs versioned):\n  ${r.readPathMismatches.join('\n  ')}`);
  return out.join('\n');
}
