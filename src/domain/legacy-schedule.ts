import type { BlobIssueLog } from './legacy-blob-issue.js';
import { describeZodError, showRawValue } from './legacy-blob-messages.js';
import {
  dayMapValueSchema,
  dayNameSchema,
  scheduleArraySchema,
  scheduleDayMapSchema,
  scheduleEntrySchema,
  workoutIndexSchema,
} from './legacy-blob-schema.js';
import type { ScheduleEntry } from './program.js';

/** An entry as written in the blob: its index still counts the blob's workouts, dropped ones included. */
interface BlobScheduleEntry {
  readonly path: string;
  readonly dayOfWeek: number;
  readonly blobIndex: number;
}

/**
 * Reads the schedule (an array of entries, or an object of day names) and
 * points every entry at the workout's position among the workouts that were
 * kept. `positions[blobIndex]` is that position, or null for a dropped
 * workout: entries of later workouts follow their workout instead of sliding
 * onto its neighbour. A missing schedule is an empty one.
 */
export function readLegacySchedule(raw: unknown, positions: readonly (number | null)[], log: BlobIssueLog): ScheduleEntry[] {
  const seen = new Set<string>();
  const schedule: ScheduleEntry[] = [];
  for (const { path, dayOfWeek, blobIndex } of blobEntries(raw, log)) {
    const workoutIndex = positions[blobIndex];
    if (workoutIndex === undefined) {
      log.add(path, 'SCHEDULE_INDEX_OUT_OF_RANGE', `points at workout ${blobIndex}, but the blob has ${positions.length}; dropped`);
      continue;
    }
    if (workoutIndex === null) {
      log.add(path, 'SCHEDULE_WORKOUT_DROPPED', `points at workout ${blobIndex}, which is unreadable; dropped`);
      continue;
    }
    // Different workouts on one day are a real plan (two sessions a day); the
    // same workout twice on one day is a copy, and a copy adds nothing.
    const key = `${dayOfWeek}:${workoutIndex}`;
    if (seen.has(key)) {
      log.add(path, 'DUPLICATE_SCHEDULE_ENTRY', `workout ${blobIndex} is already scheduled on day ${dayOfWeek}; dropped`);
      continue;
    }
    seen.add(key);
    schedule.push({ dayOfWeek, workoutIndex });
  }
  return schedule;
}

function blobEntries(raw: unknown, log: BlobIssueLog): BlobScheduleEntry[] {
  if (raw === undefined || raw === null) return [];
  const list = scheduleArraySchema.safeParse(raw);
  if (list.success) {
    return list.data.flatMap((item, i) => arrayEntry(item, `schedule.${i}`, log));
  }
  const dayMap = scheduleDayMapSchema.safeParse(raw);
  if (dayMap.success) return dayMapEntries(dayMap.data, log);
  log.add('schedule', 'SCHEDULE_UNREADABLE', `schedule ${showRawValue(raw)} is neither a list nor an object of days; read as empty`);
  return [];
}

function arrayEntry(item: unknown, path: string, log: BlobIssueLog): BlobScheduleEntry[] {
  if (item === null) {
    log.add(path, 'SCHEDULE_ENTRY_NULL', 'schedule entry is null; dropped');
    return [];
  }
  const entry = scheduleEntrySchema.safeParse(item);
  if (!entry.success) {
    log.add(path, 'SCHEDULE_ENTRY_UNREADABLE', `schedule entry cannot be read (${describeZodError(entry.error)}); dropped`);
    return [];
  }
  return [{ path, dayOfWeek: entry.data.dayOfWeek, blobIndex: entry.data.workoutIndex }];
}

/**
 * `{ "monday": 0, "thursday": [1, 2] }`. Every key is an entry, so a key that
 * is not a day name ("wendesday") is reported, not ignored. Entries come out in
 * day order: jsonb does not keep key order, so the blob's order means nothing.
 */
function dayMapEntries(dayMap: Record<string, unknown>, log: BlobIssueLog): BlobScheduleEntry[] {
  const entries = Object.entries(dayMap).flatMap(([key, value]) => {
    const path = `schedule.${key}`;
    const day = dayNameSchema.safeParse(key);
    if (!day.success) {
      log.add(path, 'SCHEDULE_ENTRY_UNREADABLE', `"${key}" is not a day name; dropped`);
      return [];
    }
    return dayMapValue(value, day.data, path, log);
  });
  return entries.sort((a, b) => a.dayOfWeek - b.dayOfWeek);
}

function dayMapValue(value: unknown, dayOfWeek: number, path: string, log: BlobIssueLog): BlobScheduleEntry[] {
  if (value === null) {
    log.add(path, 'SCHEDULE_ENTRY_NULL', 'schedule entry is null; dropped');
    return [];
  }
  const parsed = dayMapValueSchema.safeParse(value);
  if (!parsed.success) {
    log.add(path, 'SCHEDULE_ENTRY_UNREADABLE', `${showRawValue(value)} is not a workout index (${describeZodError(parsed.error)}); dropped`);
    return [];
  }
  if (typeof parsed.data === 'number') return [{ path, dayOfWeek, blobIndex: parsed.data }];
  return parsed.data.flatMap((item, i) => {
    const itemPath = `${path}.${i}`;
    if (item === null) {
      log.add(itemPath, 'SCHEDULE_ENTRY_NULL', 'schedule entry is null; dropped');
      return [];
    }
    const index = workoutIndexSchema.safeParse(item);
    if (!index.success) {
      log.add(itemPath, 'SCHEDULE_ENTRY_UNREADABLE', `${showRawValue(item)} is not a workout index (${describeZodError(index.error)}); dropped`);
      return [];
    }
    return [{ path: itemPath, dayOfWeek, blobIndex: index.data }];
  });
}
