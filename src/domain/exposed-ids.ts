import type { ProgramContent } from './program.js';
import { isUuid } from './uuid.js';

/*
 * Workout and exercise ids as clients see them. A stored id is unique only
 * within its program (blobs written before Phase 1 use "1", "2", … in every
 * program), but a normalised client cache merges objects by type and id across
 * everything a user reads. So an id leaves the server as:
 *
 * - the stored id itself when it is unique by construction: a UUID (every id
 *   the server gives), or an id derived from the program (`<program id>/w0`,
 *   `<program id>/w0/e1`: it starts with its own program's id and `/`);
 * - otherwise `<program id>:<stored id>`, program-qualified.
 *
 * Program ids are UUIDs, so the three forms cannot meet: a qualified id has a
 * `:` right after its program's id where a derived id has a `/`, and both are
 * longer than a UUID. Stored rows (blobs, version rows, history) keep the
 * stored id; inputs are mapped back with `storedId` (a program is known) or
 * `parseExposedId` (it is not).
 */

const QUALIFIED = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):/i;
const DERIVED = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\//i;

/** The id a client sees for `storedId` of program `programId` (a UUID as the database returns it, lower case). */
export function exposedId(programId: string, storedId: string): string {
  return isUuid(storedId) || storedId.startsWith(`${programId}/`) ? storedId : `${programId}:${storedId}`;
}

/**
 * The stored id an input names in program `programId`: the exposed form of
 * that program's id (`<programId>:1` → `1`), or, as sent, a UUID, a derived id
 * or the unqualified stored id (`1`: the program is known, so it is not
 * ambiguous). Another program's qualified id stays as sent and so names no
 * item of this program.
 */
export function storedId(programId: string, id: string): string {
  const qualified = QUALIFIED.exec(id);
  return qualified && qualified[1]!.toLowerCase() === programId.toLowerCase() ? id.slice(qualified[0].length) : id;
}

/**
 * What an id sent without a program names (`lastPerformance`): a stored id in
 * one program; a UUID, in any; or an unqualified id, which the server exposes
 * only for history logged outside any program (a session with no program
 * keeps its exercise ids as logged).
 */
export type ParsedExposedId =
  | { readonly in: 'program'; readonly programId: string; readonly storedId: string }
  | { readonly in: 'any program'; readonly storedId: string }
  | { readonly in: 'no program'; readonly storedId: string };

/** Maps an exposed id back when no program is given; the inverse of `exposedId` (and of `exposedIdIn` for no program). */
export function parseExposedId(id: string): ParsedExposedId {
  const qualified = QUALIFIED.exec(id);
  if (qualified) return { in: 'program', programId: qualified[1]!.toLowerCase(), storedId: id.slice(qualified[0].length) };
  const derived = DERIVED.exec(id);
  if (derived) return { in: 'program', programId: derived[1]!.toLowerCase(), storedId: id };
  return isUuid(id) ? { in: 'any program', storedId: id } : { in: 'no program', storedId: id };
}

/** `exposedId` where the program may be unknown: history logged outside any program keeps its ids as logged. */
export function exposedIdIn(programId: string | null, storedId: string): string {
  return programId === null ? storedId : exposedId(programId, storedId);
}

/** Program content with every workout and exercise id in its exposed form (schedule indexes are unchanged). */
export function exposedContent(programId: string, content: ProgramContent): ProgramContent {
  return {
    workouts: content.workouts.map((w) => ({
      ...w,
      id: exposedId(programId, w.id),
      exercises: w.exercises.map((e) => ({ ...e, id: exposedId(programId, e.id) })),
    })),
    schedule: content.schedule,
  };
}
