import { isDeepStrictEqual } from 'node:util';
import { exposedId } from '../src/domain/exposed-ids.js';

/**
 * One shape for the full tree, whoever answered: ours (both paths), the
 * ceiling (same JSON as ours, exposed ids included) and the peer
 * (PostGraphile's names, stored ids). The bench
 * refuses to measure contenders that do not return the same data.
 */
export interface CanonicalTree {
  readonly id: string;
  readonly name: string;
  readonly workouts: readonly {
    id: string;
    name: string;
    position: number;
    exercises: readonly { id: string; name: string; notes: string | null; sets: unknown[]; last: CanonicalPerformance | null }[];
  }[];
  readonly schedule: readonly { dayOfWeek: number; workoutId: string }[];
}

interface CanonicalPerformance {
  readonly performedAt: number;
  readonly sets: readonly { setNumber: number; reps: number | null; weightKg: number | null; rpe: number | null }[];
}

type Json = any; // responses are checked field by field below

function lastPerformanceOf(value: Json): CanonicalPerformance | null {
  if (value === null || value === undefined) return null;
  return {
    performedAt: Date.parse(value.performedAt),
    sets: (value.sets ?? []).map((s: Json) => ({ setNumber: s.setNumber, reps: s.reps, weightKg: num(s.weightKg), rpe: num(s.rpe) })),
  };
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

const prescription = (sets: Json[]): unknown[] =>
  sets.map((s) => ({ reps: s.reps, repsMax: s.repsMax ?? null, weightKg: num(s.weightKg), restSeconds: s.restSeconds }));

/** From ours or the ceiling: `{ data: { activeProgram } }`. */
export function canonicalFromOurs(response: Json): CanonicalTree {
  if (response?.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(response.errors).slice(0, 500)}`);
  const p = response?.data?.activeProgram;
  if (!p) throw new Error(`no active program in ${JSON.stringify(response).slice(0, 300)}`);
  return {
    id: p.id,
    name: p.name,
    workouts: p.workouts.map((w: Json) => ({
      id: w.id,
      name: w.name,
      position: w.position,
      exercises: w.exercises.map((e: Json) => ({ id: e.id, name: e.name, notes: e.notes, sets: prescription(e.sets), last: lastPerformanceOf(e.lastPerformance) })),
    })),
    schedule: p.schedule.map((s: Json) => ({ dayOfWeek: s.dayOfWeek, workoutId: s.workout.id })),
  };
}

/** From the peer: `{ data: { allPrograms: { nodes: [program] } } }`. */
export function canonicalFromPeer(response: Json): CanonicalTree {
  if (response?.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(response.errors).slice(0, 500)}`);
  const nodes = response?.data?.allPrograms?.nodes;
  if (!Array.isArray(nodes) || nodes.length !== 1) throw new Error(`expected one active program, got ${JSON.stringify(response).slice(0, 300)}`);
  const p = nodes[0];
  const version = p.programVersionByCurrentVersionId;
  return {
    id: p.id,
    name: p.name,
    workouts: version.programVersionWorkoutsByProgramVersionId.nodes.map((w: Json) => ({
      // A generic server returns the stored ids; exposed here by our rule, which maps (program, stored id) one to one.
      id: exposedId(p.id, w.workoutId),
      name: w.name,
      position: w.position,
      exercises: w.programVersionExercisesByProgramVersionIdAndProgramVersionWorkoutId.nodes.map((e: Json) => ({
        id: exposedId(p.id, e.exerciseId),
        name: e.name,
        notes: e.notes,
        sets: prescription(e.sets),
        last: lastPerformanceOf(e.lastPerformance),
      })),
    })),
    schedule: version.programVersionSchedulesByProgramVersionId.nodes.map((s: Json) => ({
      dayOfWeek: s.dayOfWeek,
      workoutId: exposedId(p.id, s.programVersionWorkoutByProgramVersionIdAndProgramVersionWorkoutId.workoutId),
    })),
  };
}

/** Throws, naming the first differing path, unless every tree equals the first. */
export function assertSameTrees(userId: string, trees: Readonly<Record<string, CanonicalTree>>): void {
  const [head, ...rest] = Object.entries(trees);
  if (!head) return;
  const [firstName, first] = head;
  if (first.workouts.length === 0) throw new Error(`user ${userId}: ${firstName} returned a program without workouts`);
  if (!first.workouts.some((w) => w.exercises.some((e) => e.last !== null))) throw new Error(`user ${userId}: no last performance at all`);
  for (const [name, tree] of rest) {
    if (!isDeepStrictEqual(first, tree)) {
      throw new Error(`user ${userId}: ${name} differs from ${firstName} at ${firstDifference(first, tree, '')}`);
    }
  }
}

function firstDifference(a: unknown, b: unknown, path: string): string {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return `${path || '(root)'}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const x = (a as Record<string, unknown>)[key];
    const y = (b as Record<string, unknown>)[key];
    if (!isDeepStrictEqual(x, y)) return firstDifference(x, y, `${path}.${key}`);
  }
  return `${path} (no difference found)`;
}
