import { HISTORY_LIMITS } from './history-limits.js';
import type { ScheduleEntry } from './program.js';

/** Longest range `calendar` serves: a year, leap day included. */
export const MAX_CALENDAR_DAYS = 366;

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses `YYYY-MM-DD` as a UTC midnight, or null when it is not a real calendar date. */
export function parseDate(text: string): Date | null {
  const m = DATE.exec(text);
  if (!m) return null;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.toISOString().slice(0, 10) === text ? date : null;
}

export function formatDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** 0 = Monday … 6 = Sunday, the program schedule's convention. */
export function dayOfWeek(date: Date): number {
  return (date.getUTCDay() + 6) % 7;
}

/** Every UTC day from `from` to `to` inclusive. */
export function daysBetween(from: Date, to: Date): Date[] {
  const days: Date[] = [];
  for (let t = from.getTime(); t <= to.getTime(); t += DAY_MS) days.push(new Date(t));
  return days;
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}

/**
 * Lays a weekly schedule and timestamped items onto days: each day gets the
 * workouts scheduled on its weekday (schedule order) and the first
 * `HISTORY_LIMITS.maxSessionsPerDay` items that started on it (input order).
 */
export function layOutCalendar<W, S extends { readonly startedAt: Date }>(
  from: Date,
  to: Date,
  schedule: readonly ScheduleEntry[],
  workouts: readonly W[],
  items: readonly S[],
): { date: string; scheduled: W[]; sessions: S[] }[] {
  const byDay = new Map<string, S[]>();
  for (const item of items) {
    const key = formatDate(item.startedAt);
    const day = byDay.get(key);
    if (!day) byDay.set(key, [item]);
    else if (day.length < HISTORY_LIMITS.maxSessionsPerDay) day.push(item);
  }
  return daysBetween(from, to).map((day) => {
    const weekday = dayOfWeek(day);
    const scheduled = schedule
      .filter((e) => e.dayOfWeek === weekday)
      .map((e) => workouts[e.workoutIndex])
      .filter((w): w is W => w !== undefined);
    const date = formatDate(day);
    return { date, scheduled, sessions: byDay.get(date) ?? [] };
  });
}
