import { buildDemoData, DEMO_USERS, type DemoData, type Json, type ProgramRow } from '../../src/seed/demo-data.js';

const NOW = new Date('2025-06-18T10:15:00.000Z');
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const DAY = 86_400_000;

type JsonObject = { [key: string]: Json };
const obj = (value: Json | undefined): JsonObject => value as JsonObject;
const list = (value: Json | undefined): Json[] => value as Json[];

const data: DemoData = buildDemoData(NOW);
const activeProgram = (userId: string): ProgramRow => {
  const found = data.programs.find((p) => p.user_id === userId && p.is_active);
  if (!found) throw new Error(`no active program for ${userId}`);
  return found;
};
const sessionsOf = (userId: string) => data.sessions.filter((s) => s.user_id === userId);

describe('buildDemoData', () => {
  it('is deterministic for the same now', () => {
    expect(buildDemoData(new Date(NOW))).toEqual(data);
  });

  it('has a believable size', () => {
    expect(data.programs).toHaveLength(5);
    expect(data.sessions.length).toBeGreaterThanOrEqual(150);
    expect(data.sessions.length).toBeLessThanOrEqual(300);
    expect(data.sets.length).toBeGreaterThanOrEqual(1500);
    expect(data.sets.length).toBeLessThanOrEqual(5000);
    for (const userId of Object.values(DEMO_USERS)) expect(sessionsOf(userId).length).toBeGreaterThan(30);
  });

  it('uses unique v4-looking uuids for every row', () => {
    const ids = [...data.programs, ...data.sessions, ...data.sets].map((row) => row.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(UUID_V4);
    for (const id of Object.values(DEMO_USERS)) expect(id).toMatch(UUID_V4);
  });

  it('gives every set an existing session of the same user, within its time span', () => {
    const sessions = new Map(data.sessions.map((s) => [s.id, s]));
    for (const set of data.sets) {
      const session = sessions.get(set.session_id);
      expect(session?.user_id).toBe(set.user_id);
      expect(set.completed_at >= session!.started_at).toBe(true);
      if (session!.completed_at) expect(set.completed_at <= session!.completed_at).toBe(true);
      expect(set.exercise_name.trim()).not.toBe('');
    }
    for (const session of data.sessions) expect(data.sets.some((s) => s.session_id === session.id)).toBe(true);
  });

  it('sorts sessions by start, all in the past, with only the latest of Alice in progress', () => {
    const starts = data.sessions.map((s) => s.started_at);
    expect(starts).toEqual([...starts].sort());
    for (const start of starts) expect(Date.parse(start)).toBeLessThan(NOW.getTime());
    const open = data.sessions.filter((s) => s.completed_at === null);
    expect(open).toHaveLength(1);
    expect(open[0]).toBe(sessionsOf(DEMO_USERS.alice).at(-1));
    for (const s of data.sessions.filter((x) => x.completed_at !== null)) {
      const minutes = (Date.parse(s.completed_at!) - Date.parse(s.started_at)) / 60_000;
      expect(minutes).toBeGreaterThan(30);
      expect(minutes).toBeLessThan(100);
    }
  });

  it('keeps about four months of history, snapshots only after Phase 1', () => {
    const oldest = Date.parse(data.sessions[0]!.started_at);
    expect((NOW.getTime() - oldest) / DAY).toBeGreaterThan(100);
    expect((NOW.getTime() - oldest) / DAY).toBeLessThan(130);
    for (const s of data.sessions) {
      const ageDays = (NOW.getTime() - Date.parse(s.started_at)) / DAY;
      if (ageDays > 70) expect(s.workout_name_snapshot).toBeNull();
      if (ageDays < 55) expect(s.workout_name_snapshot).not.toBeNull();
    }
  });

  it('has exactly one active, undeleted program per user, and a soft-deleted one for Casey', () => {
    for (const userId of Object.values(DEMO_USERS)) {
      const active = data.programs.filter((p) => p.user_id === userId && p.is_active);
      expect(active).toHaveLength(1);
      expect(active[0]!.deleted_at).toBeNull();
    }
    const deleted = data.programs.filter((p) => p.deleted_at !== null);
    expect(deleted.map((p) => p.user_id)).toEqual([DEMO_USERS.casey]);
  });

  it('logs sessions of Alice on her older inactive program too', () => {
    const inactive = data.programs.find((p) => p.user_id === DEMO_USERS.alice && !p.is_active)!;
    expect(sessionsOf(DEMO_USERS.alice).filter((s) => s.program_id === inactive.id).length).toBeGreaterThanOrEqual(3);
  });

  it('refers to workouts and exercises that exist in the Phase-1 blobs', () => {
    for (const program of [activeProgram(DEMO_USERS.alice), activeProgram(DEMO_USERS.casey)]) {
      const workouts = list(obj(program.program_json)['workouts']).map(obj);
      const workoutIds = new Set(workouts.map((w) => w['id']));
      const exerciseIds = new Set(workouts.flatMap((w) => list(w['exercises']).map((e) => obj(e)['id'])));
      const sessions = data.sessions.filter((s) => s.program_id === program.id);
      expect(sessions.length).toBeGreaterThan(0);
      for (const s of sessions) expect(workoutIds.has(s.workout_id)).toBe(true);
      const sessionIds = new Set(sessions.map((s) => s.id));
      for (const set of data.sets.filter((x) => sessionIds.has(x.session_id))) expect(exerciseIds.has(set.exercise_id)).toBe(true);
    }
  });

  it("stores Bob's program in the old compact shape, with one id-less exercise", () => {
    const blob = obj(activeProgram(DEMO_USERS.bob).program_json);
    expect(blob['schedule']).toEqual({ monday: 0, wednesday: 1, friday: 2 });
    const workouts = list(blob['workouts']).map(obj);
    expect(workouts.map((w) => w['id'])).toEqual([1, 2, 3]);
    const exercises = workouts.flatMap((w) => list(w['exercises']).map(obj));
    expect(exercises[0]).toEqual({ id: 1, name: 'Bench Press', sets: 3, reps: '8-10', weight: 60, rest: '1:30' });
    const idless = exercises.filter((e) => !('id' in e));
    expect(idless).toHaveLength(1);
    for (const e of exercises) expect(typeof e['sets']).toBe('number');

    const bobSets = data.sets.filter((s) => s.user_id === DEMO_USERS.bob);
    expect(bobSets.some((s) => s.exercise_id === '3')).toBe(true);
    expect(bobSets.filter((s) => s.exercise_id === null).every((s) => s.exercise_name === idless[0]!['name'])).toBe(true);
    expect(bobSets.some((s) => s.exercise_id === null)).toBe(true);
    expect(new Set(sessionsOf(DEMO_USERS.bob).map((s) => s.workout_id))).toEqual(new Set(['1', '2', '3']));
  });

  it("damages Casey's schedule: a dangling workout index and a null entry", () => {
    const blob = obj(activeProgram(DEMO_USERS.casey).program_json);
    const workoutCount = list(blob['workouts']).length;
    const schedule = list(blob['schedule']);
    expect(schedule).toContain(null);
    expect(schedule.some((e) => e !== null && Number(obj(e)['workoutIndex']) >= workoutCount)).toBe(true);
  });

  it('fits weights into numeric(6,2) on a 2.5 kg grid and rpe into numeric(3,1) between 6.5 and 9.5', () => {
    for (const set of data.sets) {
      if (set.weight_kg !== null) {
        expect(set.weight_kg).toBeGreaterThan(0);
        expect(set.weight_kg).toBeLessThan(10_000);
        expect(set.weight_kg % 2.5).toBe(0);
      }
      expect(set.rpe).not.toBeNull();
      expect(set.rpe! * 2).toBe(Math.round(set.rpe! * 2));
      expect(set.rpe).toBeGreaterThanOrEqual(6.5);
      expect(set.rpe).toBeLessThanOrEqual(9.5);
      expect(Number.isInteger(set.reps)).toBe(true);
      expect(set.set_number).toBeGreaterThanOrEqual(1);
      expect(set.set_number).toBeLessThanOrEqual(4);
    }
  });
});
