import fc from 'fast-check';
import type { Exercise, ProgramContent, ScheduleEntry, SetPrescription } from '../../src/domain/program.js';

/*
 * Writes valid content in the older encodings docs/legacy-data.md lists, chosen at
 * random item by item: numeric ids, compact exercises, numbers as strings,
 * rep ranges as "8-10", rest as "m:ss", day names, a schedule as an object of
 * days, explicit nulls and unknown extra keys. Every choice reads back to the
 * same content.
 */

const DAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

export function legacyEncoding(content: ProgramContent, g: fc.GeneratorValue): { blob: unknown; dayMap: boolean } {
  const pick = <T>(...options: T[]): T => g(() => fc.constantFrom(...options));
  const extra = (): Record<string, unknown> => (pick(false, true) ? { legacyField: pick<unknown>('x', 1, null, { nested: [] }) } : {});
  const number = (n: number): number | string => pick<number | string>(n, String(n));
  const dayName = (day: number) => {
    const name = DAY_NAMES[day] ?? '';
    return pick(name, name.toUpperCase(), `${name.charAt(0).toUpperCase()}${name.slice(1)}`);
  };
  const id = (value: string): string | number => (/^(0|[1-9]\d{0,14})$/.test(value) ? pick<string | number>(value, Number(value)) : value);
  const rest = (seconds: number) => pick<number | string>(seconds, String(seconds), `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`);
  const reps = (set: SetPrescription): Record<string, unknown> => {
    if (set.repsMax === null) return pick<Record<string, unknown>>({ reps: number(set.reps) }, { reps: number(set.reps), repsMax: null });
    return pick<Record<string, unknown>>({ reps: `${set.reps}${pick('-', ' - ', '–')}${set.repsMax}` }, { reps: number(set.reps), repsMax: number(set.repsMax) });
  };
  const weight = (key: string, kg: number | null): Record<string, unknown> =>
    kg === null ? pick<Record<string, unknown>>({}, { [key]: null }) : { [key]: pick<number | string>(kg, String(kg)) };

  const fullSets = (sets: readonly SetPrescription[]) =>
    sets.map((set) => ({ ...reps(set), ...weight('weightKg', set.weightKg), restSeconds: rest(set.restSeconds), ...extra() }));
  const exercise = (e: Exercise) => {
    const head = { id: id(e.id), name: e.name, ...(e.notes === null ? pick({}, { notes: null }) : { notes: e.notes }), ...extra() };
    const [first] = e.sets;
    const uniform = first !== undefined && e.sets.every((set) => JSON.stringify(set) === JSON.stringify(first));
    if (!uniform || !pick(false, true)) return { ...head, sets: fullSets(e.sets) };
    return { ...head, sets: number(e.sets.length), ...reps(first), ...weight('weight', first.weightKg), rest: rest(first.restSeconds) };
  };

  const workouts = content.workouts.map((w) => ({ id: id(w.id), name: w.name, exercises: w.exercises.map(exercise), ...extra() }));
  const dayMap = pick(false, true);
  const schedule = dayMap
    ? daysOf(content.schedule, (day) => dayName(day), (indexes) => (indexes.length === 1 ? pick<unknown>(indexes[0], [indexes[0]]) : indexes.map(number)))
    : content.schedule.map((e) => ({ dayOfWeek: pick<number | string>(e.dayOfWeek, String(e.dayOfWeek), dayName(e.dayOfWeek)), workoutIndex: number(e.workoutIndex), ...extra() }));
  return { blob: { workouts, schedule, ...extra() }, dayMap };
}

/** `{ monday: 0, thursday: [1, 2] }`: one key per day that has entries, indexes in schedule order. */
function daysOf(schedule: readonly ScheduleEntry[], key: (day: number) => string, value: (indexes: number[]) => unknown): Record<string, unknown> {
  const byDay = new Map<number, number[]>();
  for (const { dayOfWeek, workoutIndex } of schedule) byDay.set(dayOfWeek, [...(byDay.get(dayOfWeek) ?? []), workoutIndex]);
  return Object.fromEntries([...byDay].map(([day, indexes]) => [key(day), value(indexes)]));
}
