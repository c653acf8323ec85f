import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DEMO_USERS } from '../../src/seed/demo-data.js';
import { seedDemoData } from '../../src/seed/seed-demo.js';
import { CREATE_PROGRAM, MODIFY_PROGRAM, upperLower } from '../support/fixtures.js';
import { ok, startTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/*
 * The runbook's sample outputs, produced here, so they cannot drift from what
 * the commands do. A checked block in docs/runbook.md follows a marker
 *
 *   <!-- transcript ID: COMMAND → STREAM, exit CODE -->
 *
 * and the step ID below runs COMMAND as an operator would (`npm run --silent`,
 * as real processes, against a database seeded with the demo data) and
 * compares that stream and exit code with the block. The marker is what the
 * reader sees of the check; the test insists it says exactly what the step
 * runs.
 *
 * Values that differ on every run are replaced on both sides before comparing
 * (documented placeholders):
 *   <time>      an ISO timestamp
 *   <run-id>    the id of a backfill run (record ids of the demo data are stable)
 *   <duration>  seconds in `backfill run …: 0.3 s` and `"durationMs"`
 *   <rate>      rows per second
 * and the scratch directory the report files are written to is dropped from paths.
 * A block whose last line is `…` shows the first lines of the output only.
 * A report file is compared as JSON (key order included), so the runbook may
 * lay it out compactly.
 */
const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const RUNBOOK = readFileSync(join(ROOT, 'docs/runbook.md'), 'utf8');
/** The demo data as `npm start` seeds it, at a fixed clock so every row is the same on every run. */
const SEEDED_AT = new Date('2026-11-20T12:00:00Z');
const PHASE_5_USER = '55555555-0000-4000-8000-000000000001';
const BROKEN_USER = '44444444-4444-4444-8444-444444444444';
/** A command under `npm run` takes seconds on a busy machine; the eight `down`s take eight of them. */
const STEP_TIMEOUT_MS = 300_000;

/**
 * The runbook's rehearsal data: the demo data plus rows as broken as
 * production's oldest ones, so the samples show what the backfill reports:
 * an unreadable blob, a session of it, a free workout, a session of a workout
 * no longer in its program, and a set of an exercise no longer in it.
 */
async function addBrokenRows(): Promise<void> {
  const bob = (await db.sql.query(`select id from programs where user_id = $1 and is_active`, [DEMO_USERS.bob])).rows[0].id as string;
  const bobSession = (await db.sql.query(`select id from workout_sessions where program_id = $1 order by started_at limit 1`, [bob])).rows[0].id as string;
  await db.sql.query(
    `insert into programs (id, user_id, name, is_active, program_json, created_at, updated_at)
     values ('44444444-0000-4000-8000-000000000001', $1, 'Imported program', false, '[]', '2026-08-01T08:00:00Z', '2026-08-01T08:00:00Z')`,
    [BROKEN_USER],
  );
  await db.sql.query(
    `insert into workout_sessions (id, user_id, program_id, workout_id, workout_name_snapshot, started_at, completed_at) values
       ('44444444-0000-4000-8000-000000000011', $1, '44444444-0000-4000-8000-000000000001', '1', null, '2026-08-02T08:00:00Z', '2026-08-02T09:00:00Z'),
       ('44444444-0000-4000-8000-000000000012', $1, null, null, 'Park run', '2026-08-03T08:00:00Z', '2026-08-03T09:00:00Z'),
       ('22222222-0000-4000-8000-000000000013', $2, $3, '7', null, '2026-08-04T08:00:00Z', '2026-08-04T09:00:00Z')`,
    [BROKEN_USER, DEMO_USERS.bob, bob],
  );
  await db.sql.query(
    `insert into workout_session_sets (id, session_id, user_id, exercise_id, exercise_name, set_number, reps, weight_kg, completed_at) values
       ('44444444-0000-4000-8000-000000000021', '44444444-0000-4000-8000-000000000011', $1, '1', 'Squat', 1, 5, 100, '2026-08-02T08:10:00Z'),
       ('44444444-0000-4000-8000-000000000022', '44444444-0000-4000-8000-000000000012', $1, null, 'Run', 1, null, null, '2026-08-03T08:40:00Z'),
       ('22222222-0000-4000-8000-000000000023', '22222222-0000-4000-8000-000000000013', $2, '7', 'Sled Push', 1, 10, 80, '2026-08-04T08:10:00Z'),
       ('22222222-0000-4000-8000-000000000024', $3, $2, '99', 'Zercher Squat', 9, 5, 90, '2026-08-04T08:20:00Z')`,
    [BROKEN_USER, DEMO_USERS.bob, bobSession],
  );
}

interface Marked {
  readonly id: string;
  readonly says: string;
  readonly text: string;
}

/** Every block after a transcript marker (also blocks indented inside a list item). */
function markedBlocks(markdown: string): Marked[] {
  const found: Marked[] = [];
  for (const m of markdown.matchAll(/^ *<!-- transcript ([\w-]+): (.+?) -->\n( *)```\w*\n([\s\S]*?)^\3```$/gm)) {
    const indent = m[3]!.length;
    found.push({ id: m[1]!, says: m[2]!, text: m[4]!.split('\n').map((line) => line.slice(indent)).join('\n') });
  }
  return found;
}

/** The volatile fields of a backfill report, as placeholders. */
function normaliseReport(json: string): string {
  const report = JSON.parse(json) as Record<string, unknown>;
  for (const key of ['runId', 'startedAt', 'finishedAt', 'durationMs', 'rowsPerSecond']) if (key in report) report[key] = `<${key}>`;
  return JSON.stringify(report, null, 2);
}

function normalise(text: string, dir: string): string {
  return text
    .replaceAll(`${dir}/`, '')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
    .replace(/(backfill run |"runId": ")[0-9a-f-]{36}/g, '$1<run-id>')
    .replace(/(backfill run <run-id>: )\d+\.\d s, \d+ rows\/s/g, '$1<duration> s, <rate> rows/s')
    .replace(/"durationMs": \d+/g, '"durationMs": <duration>')
    .replace(/"rowsPerSecond": [\d.e+-]+/g, '"rowsPerSecond": <rate>')
    .trimEnd();
}

let db: TestDatabase;
let dir: string;
/** The program whose blob `verify-mismatch` edits by hand, and its blob before. */
let handEdited: { id: string; blob: unknown };

interface Result {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** `npm run --silent SCRIPT -- ARGS` from the repository root, against the test database; never throws on a non-zero exit. */
async function npmRun(script: string, args: readonly string[]): Promise<Result> {
  const env = { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/root', NODE_OPTIONS: '', DATABASE_URL: db.url, MIGRATION_DATABASE_URL: db.adminUrl };
  try {
    const { stdout, stderr } = await run('npm', ['run', '--silent', script, '--', ...args], { cwd: ROOT, env });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

interface Step {
  readonly id: string;
  /** As the marker must say it. */
  readonly command: string;
  readonly stream: 'stdout' | 'stderr' | `file ${string}`;
  readonly exit: number;
  readonly times?: number;
  /** Brings the database to the state the runbook describes before the command. */
  readonly before?: () => Promise<void>;
}

/** The rehearsal, in the order it runs; the runbook shows the blocks in its own order. */
const STEPS: Step[] = [
  { id: 'migrate-status', command: 'npm run migrate -- status', stream: 'stdout', exit: 0 },
  { id: 'backfill-run', command: 'npm run backfill -- --report backfill.json', stream: 'stdout', exit: 0 },
  { id: 'backfill-report', command: 'npm run backfill -- --report backfill.json', stream: 'file backfill.json', exit: 0 },
  { id: 'backfill-rerun', command: 'npm run backfill -- --report backfill.json', stream: 'stdout', exit: 0 },
  { id: 'verify-ok', command: 'npm run verify -- --report verify.json', stream: 'stdout', exit: 0 },
  {
    id: 'verify-mismatch',
    command: 'npm run verify -- --report verify.json',
    stream: 'stdout',
    exit: 1,
    // A blob edited behind the service's back: the program differs, and so does every session that shows its workout.
    before: async () => {
      const { rows } = await db.sql.query(`select id, program_json from programs p where current_version_id is not null and deleted_at is null
        order by id limit 1`);
      handEdited = { id: rows[0].id, blob: rows[0].program_json };
      await db.sql.query(
        `update programs set program_json = jsonb_set(jsonb_set(program_json, '{workouts,0,name}', '"Renamed by hand"'),
           '{workouts,0,exercises,0,sets,0,weightKg}', '999') where id = $1`,
        [handEdited.id],
      );
    },
  },
  {
    id: 'migrate-down-blob-behind',
    command: 'npm run migrate -- down',
    stream: 'stderr',
    exit: 1,
    before: async () => {
      // Undo the hand edit, then one program edited in Phase 5 (its blob stays behind its new version).
      await db.sql.query(`update programs set program_json = $2 where id = $1`, [handEdited.id, JSON.stringify(handEdited.blob)]);
      const app = await startTestApp({ PROGRAM_VERSIONING_WRITES: 'on', PROGRAM_VERSIONING_READS: 'on', LEGACY_JSON_WRITES: 'off' }, db);
      try {
        const created = ok(await app.gql(CREATE_PROGRAM, { input: upperLower('Phase 5 program') }, PHASE_5_USER)).createProgram;
        ok(await app.gql(MODIFY_PROGRAM, { id: created.id, input: upperLower('Phase 5 program, edited') }, PHASE_5_USER));
      } finally {
        await app.close();
      }
    },
  },
  { id: 'restore-legacy', command: 'npm run restore-legacy', stream: 'stdout', exit: 0 },
  { id: 'restore-legacy-nothing', command: 'npm run restore-legacy', stream: 'stdout', exit: 0 },
  { id: 'migrate-down', command: 'npm run migrate -- down', times: 11, stream: 'stdout', exit: 0 },
  { id: 'migrate-down-legacy', command: 'npm run migrate -- down', stream: 'stderr', exit: 1 },
];

const says = (step: Step) => `${step.command}${step.times ? ` ×${step.times}` : ''} → ${step.stream}, exit ${step.exit}`;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedDemoData((sql, params) => db.sql.query(sql, params), SEEDED_AT);
  await addBrokenRows();
  dir = mkdtempSync(join(tmpdir(), 'runbook-'));
});
afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('docs/runbook.md transcripts', () => {
  const blocks = markedBlocks(RUNBOOK);

  it('the sample report is one real run: its rate is its programs and sessions over its duration', () => {
    const sample = JSON.parse(blocks.find((b) => b.id === 'backfill-report')!.text);
    expect(sample.rowsPerSecond).toBeCloseTo((sample.programs.total + sample.sessions.total) / (sample.durationMs / 1000), 6);
    const summary = blocks.find((b) => b.id === 'backfill-run')!.text;
    expect(summary).toContain(`backfill run ${sample.runId}: ${(sample.durationMs / 1000).toFixed(1)} s, ${Math.round(sample.rowsPerSecond)} rows/s`);
  });

  it('every marked block has a step, and every step a marked block saying what it runs', () => {
    expect(blocks.map((b) => b.id).sort()).toEqual(STEPS.map((s) => s.id).sort());
    for (const step of STEPS) expect({ id: step.id, says: blocks.find((b) => b.id === step.id)?.says }).toEqual({ id: step.id, says: says(step) });
  });

  for (const step of STEPS) {
    it(`${step.id}: ${says(step)}`, async () => {
      await step.before?.();
      const [script, ...rest] = step.command.replace(/^npm run /, '').split(' ');
      const args = rest.filter((a) => a !== '--').map((a) => (/\.json$/.test(a) ? join(dir, a) : a));
      const file = step.stream.startsWith('file ') ? join(dir, step.stream.slice(5)) : null;
      let output = '';
      // A report file comes from the step before it that wrote it (the run itself is not repeated).
      if (file) output = readFileSync(file, 'utf8');
      else {
        for (let i = 0; i < (step.times ?? 1); i += 1) {
          const result = await npmRun(script!, args);
          expect({ step: step.id, exit: result.code, other: step.stream === 'stdout' ? result.stderr : result.stdout }).toMatchObject({ step: step.id, exit: step.exit });
          output += step.stream === 'stdout' ? result.stdout : result.stderr;
        }
      }
      if (process.env.PRINT_TRANSCRIPTS) process.stdout.write(`--- ${step.id}\n${output}`);
      const documented = blocks.find((b) => b.id === step.id)?.text ?? '';
      if (file) expect(normaliseReport(output)).toBe(normaliseReport(documented));
      else if (documented.trimEnd().endsWith('\n…')) {
        const shown = normalise(documented, dir).split('\n').slice(0, -1);
        expect(normalise(output, dir).split('\n').slice(0, shown.length)).toEqual(shown);
      } else expect(normalise(output, dir)).toBe(normalise(documented, dir));
    }, STEP_TIMEOUT_MS);
  }
});
