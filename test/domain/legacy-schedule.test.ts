import { BlobIssueLog } from '../../src/domain/legacy-blob-issue.js';
import { readLegacySchedule } from '../../src/domain/legacy-schedule.js';

/** Reads `raw` against `count` workouts that were all kept. */
function read(raw: unknown, positions: (number | null)[] = [0, 1, 2]) {
  const log = new BlobIssueLog();
  const schedule = readLegacySchedule(raw, positions, log);
  return { schedule, codes: log.issues.map((issue) => [issue.path, issue.code]) };
}

describe('readLegacySchedule', () => {
  it('reads a missing or null schedule as empty, without an issue', () => {
    expect(read(undefined)).toEqual({ schedule: [], codes: [] });
    expect(read(null)).toEqual({ schedule: [], codes: [] });
  });

  it.each([['monday'], [3], [true]])('reports a schedule that is neither a list nor a day map (%j)', (raw) => {
    expect(read(raw)).toEqual({ schedule: [], codes: [['schedule', 'SCHEDULE_UNREADABLE']] });
  });

  it('reads an object of day names, in any case, in day order', () => {
    expect(read({ thursday: 1, Monday: 0, ' SUNDAY ': '2' })).toEqual({
      schedule: [
        { dayOfWeek: 0, workoutIndex: 0 },
        { dayOfWeek: 3, workoutIndex: 1 },
        { dayOfWeek: 6, workoutIndex: 2 },
      ],
      codes: [],
    });
  });

  it('reads several workouts on one day from a day map', () => {
    expect(read({ friday: [0, 2] }).schedule).toEqual([
      { dayOfWeek: 4, workoutIndex: 0 },
      { dayOfWeek: 4, workoutIndex: 2 },
    ]);
  });

  it('reports keys that are not day names and values that are not indexes', () => {
    expect(read({ wendesday: 0, monday: null, tuesday: 'x', friday: [1, null, -1] })).toEqual({
      schedule: [{ dayOfWeek: 4, workoutIndex: 1 }],
      codes: [
        ['schedule.wendesday', 'SCHEDULE_ENTRY_UNREADABLE'],
        ['schedule.monday', 'SCHEDULE_ENTRY_NULL'],
        ['schedule.tuesday', 'SCHEDULE_ENTRY_UNREADABLE'],
        ['schedule.friday.1', 'SCHEDULE_ENTRY_NULL'],
        ['schedule.friday.2', 'SCHEDULE_ENTRY_UNREADABLE'],
      ],
    });
  });

  it('drops null and unreadable entries of a list', () => {
    expect(
      read([null, { dayOfWeek: 7, workoutIndex: 0 }, { dayOfWeek: 1.5, workoutIndex: 0 }, { dayOfWeek: 1 }, 'x', { dayOfWeek: 'Tuesday', workoutIndex: '1' }]),
    ).toEqual({
      schedule: [{ dayOfWeek: 1, workoutIndex: 1 }],
      codes: [
        ['schedule.0', 'SCHEDULE_ENTRY_NULL'],
        ['schedule.1', 'SCHEDULE_ENTRY_UNREADABLE'],
        ['schedule.2', 'SCHEDULE_ENTRY_UNREADABLE'],
        ['schedule.3', 'SCHEDULE_ENTRY_UNREADABLE'],
        ['schedule.4', 'SCHEDULE_ENTRY_UNREADABLE'],
      ],
    });
  });

  it('collapses exact duplicates but keeps different workouts on one day', () => {
    expect(
      read([
        { dayOfWeek: 0, workoutIndex: 0 },
        { dayOfWeek: 0, workoutIndex: 1 },
        { dayOfWeek: 0, workoutIndex: 0 },
      ]),
    ).toEqual({
      schedule: [
        { dayOfWeek: 0, workoutIndex: 0 },
        { dayOfWeek: 0, workoutIndex: 1 },
      ],
      codes: [['schedule.2', 'DUPLICATE_SCHEDULE_ENTRY']],
    });
  });

  it('collapses a day named twice in a day map', () => {
    expect(read({ monday: 0, MONDAY: 0 })).toEqual({
      schedule: [{ dayOfWeek: 0, workoutIndex: 0 }],
      codes: [['schedule.MONDAY', 'DUPLICATE_SCHEDULE_ENTRY']],
    });
  });

  it('follows each workout to its kept position, and drops entries of dropped or absent workouts', () => {
    const positions = [0, null, 1];
    expect(
      read(
        [
          { dayOfWeek: 0, workoutIndex: 2 },
          { dayOfWeek: 1, workoutIndex: 1 },
          { dayOfWeek: 2, workoutIndex: 3 },
          { dayOfWeek: 3, workoutIndex: 0 },
        ],
        positions,
      ),
    ).toEqual({
      schedule: [
        { dayOfWeek: 0, workoutIndex: 1 },
        { dayOfWeek: 3, workoutIndex: 0 },
      ],
      codes: [
        ['schedule.1', 'SCHEDULE_WORKOUT_DROPPED'],
        ['schedule.2', 'SCHEDULE_INDEX_OUT_OF_RANGE'],
      ],
    });
  });

  it('collapses entries that differ only in how the index is written', () => {
    expect(read([{ dayOfWeek: 0, workoutIndex: 2 }, { dayOfWeek: 0, workoutIndex: '2' }], [0, null, 1]).codes).toEqual([['schedule.1', 'DUPLICATE_SCHEDULE_ENTRY']]);
  });
});
