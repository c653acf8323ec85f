import { defineEntity, type InferEntity } from '@mikro-orm/core';

/** A row of `workout_sessions`: history, append-only. */
export const SessionSchema = defineEntity({
  name: 'SessionEntity',
  tableName: 'workout_sessions',
  properties: (p) => ({
    id: p.uuid().primary(),
    userId: p.uuid(),
    programId: p.uuid().nullable(),
    workoutId: p.text().nullable(),
    workoutNameSnapshot: p.text().nullable(),
    startedAt: p.datetime(),
    completedAt: p.datetime().nullable(),
    notes: p.text().nullable(),
  }),
});
export type SessionEntity = InferEntity<typeof SessionSchema>;
