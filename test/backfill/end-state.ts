import type pg from 'pg';
import { versionTrees } from './legacy-rows.js';

/**
 * Everything a backfill leaves behind, projected away from generated ids and
 * clocks: every version tree, every session's and set's version reference and
 * name snapshot, the row counts of the version tables, and the unmatched
 * records of the completed runs. Two databases backfilled from the same corpus
 * by different means must have equal end states.
 */
export async function endState(sql: pg.Pool) {
  const sessions = await sql.query(
    `/* testSessionEnds */ select s.id, s.program_id, v.program_id as version_program_id, v.version_number, w.workout_id, s.workout_name_snapshot
     from workout_sessions s
     left join program_versions v on v.id = s.program_version_id
     left join program_version_workouts w on w.id = s.workout_version_id
     order by s.id`,
  );
  const sets = await sql.query(
    `/* testSetEnds */ select st.id, e.exercise_id, v.program_id as version_program_id, v.version_number
     from workout_session_sets st
     left join program_version_exercises e on e.id = st.exercise_version_id
     left join program_versions v on v.id = e.program_version_id
     order by st.id`,
  );
  const sizes = await sql.query(`/* testTableSizes */ select
    (select count(*)::int from program_versions) as versions, (select count(*)::int from program_version_workouts) as workouts,
    (select count(*)::int from program_version_exercises) as exercises, (select count(*)::int from program_version_schedule) as schedule,
    (select count(*)::int from workout_sessions where program_version_id is not null) as linked_sessions,
    (select count(*)::int from workout_session_sets where exercise_version_id is not null) as linked_sets,
    (select count(*)::int from backfill_items) as items`);
  const items = await sql.query(
    `/* testCompletedItems */ select i.kind, i.record_id, i.reason, i.detail from backfill_items i join backfill_runs r on r.id = i.run_id
     where r.status = 'completed' order by i.kind, i.record_id`,
  );
  return { sessions: sessions.rows, sets: sets.rows, sizes: sizes.rows[0], items: items.rows, trees: Object.fromEntries(await versionTrees(sql)) };
}

/** A report file without what differs from run to run (ids of runs, clocks, rates, which shards). */
export function reportContent(report: Record<string, unknown>) {
  const { runId: _id, shard: _shard, shards: _shards, startedAt: _s, finishedAt: _f, durationMs: _d, rowsPerSecond: _r, ...content } = report;
  return content;
}

/**
 * The reports of the shards of a split as one: counts added up, unmatched
 * lists concatenated in (kind, id) order (what a single run's report has).
 */
export function mergeShardReports(reports: readonly Record<string, any>[]) {
  const add = (key: string, kind: 'programs' | 'sessions' | 'sets') =>
    reports.reduce((sum, r) => sum + (r[kind][key] as number), 0);
  const counts = (kind: 'programs' | 'sessions' | 'sets') => Object.fromEntries(Object.keys(reports[0]![kind]).map((key) => [key, add(key, kind)]));
  const evidence = (kind: 'sessions' | 'sets') =>
    Object.fromEntries(Object.keys(reports[0]!.evidence[kind]).map((key) => [key, reports.reduce((sum, r) => sum + (r.evidence[kind][key] as number), 0)]));
  const unmatched = reports
    .flatMap((r) => r.unmatched as { kind: string; id: string }[])
    .sort((x, y) => (x.kind === y.kind ? (x.id < y.id ? -1 : x.id > y.id ? 1 : 0) : x.kind < y.kind ? -1 : 1));
  return {
    dryRun: reports[0]!.dryRun,
    programs: counts('programs'),
    sessions: counts('sessions'),
    sets: counts('sets'),
    evidence: { sessions: evidence('sessions'), sets: evidence('sets') },
    unmatched,
  };
}
