import { forbiddenCharacter } from '../../src/domain/forbidden-characters.js';
import { checkProgram } from '../../src/domain/invariants.js';
import type { ProgramContent } from '../../src/domain/program.js';
import { FORBIDDEN_IN_NAMES, FORBIDDEN_IN_NOTES } from './program-faults.js';

const set = { reps: 8, repsMax: null, weightKg: 60, restSeconds: 90 };
const program = (workout: string, exercise: string, notes: string | null): ProgramContent => ({
  workouts: [{ id: 'w1', name: workout, exercises: [{ id: 'e1', name: exercise, notes, sets: [set] }] }],
  schedule: [],
});

describe('forbidden characters', () => {
  it.each(FORBIDDEN_IN_NAMES.map((c) => [`U+${c.toString(16).toUpperCase().padStart(4, '0')}`, c]))('refuses %s in names', (label, c) => {
    expect(forbiddenCharacter(`Bench${String.fromCharCode(c)}Press`, 'name')).toEqual({ codePoint: label, position: 6 });
  });

  it.each(FORBIDDEN_IN_NOTES.map((c) => [`U+${c.toString(16).toUpperCase().padStart(4, '0')}`, c]))('refuses %s in notes', (label, c) => {
    expect(forbiddenCharacter(`Pause${String.fromCharCode(c)}`, 'notes')).toEqual({ codePoint: label, position: 6 });
  });

  it('allows line breaks and right-to-left marks in notes, and any script, emoji and combining marks anywhere', () => {
    expect(forbiddenCharacter('Pause on chest.\r\n\tThen drive.\u2028ارفع\u200F ببطء', 'notes')).toBeNull();
    for (const name of ['Développé couché', 'スクワット', 'ضغط الصدر', '💪 Push day', 'Zürich Cafe\u0301', 'a\u00A0b']) {
      expect(forbiddenCharacter(name, 'name')).toBeNull();
    }
  });

  it('counts the position in characters, not UTF-16 units', () => {
    expect(forbiddenCharacter('💪💪\u202E', 'name')).toEqual({ codePoint: 'U+202E', position: 3 });
  });

  it('makes checkProgram report every name and note holding one, at its path, and nothing else', () => {
    const violations = checkProgram({ name: 'Push\u202Eyad', content: program('Upper\u0007', 'Bench\u200E', 'line one\nline two\u0000') });
    expect(violations.map((v) => `${v.path} ${v.code}`)).toEqual([
      'name FORBIDDEN_CHARACTER',
      'workouts.0.name FORBIDDEN_CHARACTER',
      'workouts.0.exercises.0.name FORBIDDEN_CHARACTER',
      'workouts.0.exercises.0.notes FORBIDDEN_CHARACTER',
    ]);
    expect(violations[0]!.message).toContain('U+202E at character 5');
    expect(checkProgram({ name: 'Push', content: program('Upper', 'Bench', 'line one\nline two') })).toEqual([]);
  });
});
