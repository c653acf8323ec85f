import { Migration0001LegacySchema } from './Migration0001LegacySchema.js';
import { Migration0002Phase1Guarantees } from './Migration0002Phase1Guarantees.js';

/** Every schema migration, oldest first. The first is the legacy schema and is never reverted. */
export const migrations = [
  { name: 'Migration0001LegacySchema', class: Migration0001LegacySchema },
  { name: 'Migration0002Phase1Guarantees', class: Migration0002Phase1Guarantees },
];

export const LEGACY_SCHEMA_MIGRATION = 'Migration0001LegacySchema';
