import { defineEntity, type InferEntity } from '@mikro-orm/core';

/** A row of the legacy `programs` table (docs/legacy-data.md). `programJson` is the mutable blob, read with `readLegacyBlob`. */
export const ProgramSchema = defineEntity({
  name: 'ProgramEntity',
  tableName: 'programs',
  properties: (p) => ({
    id: p.uuid().primary(),
    userId: p.uuid(),
    name: p.text(),
    isActive: p.boolean(),
    programJson: p.json<unknown>(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
    deletedAt: p.datetime().nullable(),
  }),
});
export type ProgramEntity = InferEntity<typeof ProgramSchema>;
