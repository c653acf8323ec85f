import { defineEntity, type InferEntity } from '@mikro-orm/core';

/** A row of `workout_session_sets`: one logged set, append-only. */
export const SessionSetSchema = defineEntity({
  name: 'SessionSetEntity',
  tableName: 'workout_session_sets',
  properties: (p) => ({
    id: p.uuid().primary(),
    sessionId: p.uuid(),
    userId: p.uuid(),
    exerciseId: p.text().nullable(),
    exerciseName: p.text(),
    setNumber: p.integer(),
    reps: p.integer().nullable(),
    weightKg: p.decimal('number').nullable(),
    rpe: p.decimal('number').nullable(),
    completedAt: p.datetime().nullable(),
  }),
});
export type SessionSetEntity = InferEntity<typeof SessionSetSchema>;
