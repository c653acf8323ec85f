import { Migration0001LegacySchema } from './Migration0001LegacySchema.js';
import { Migration0002Phase1Guarantees } from './Migration0002Phase1Guarantees.js';
import { Migration0003ProgramVersions } from './Migration0003ProgramVersions.js';
import { Migration0004HistoryGuards } from './Migration0004HistoryGuards.js';
import { Migration0005BackfillRuns } from './Migration0005BackfillRuns.js';
import { Migration0006VersionedReadIndexes } from './Migration0006VersionedReadIndexes.js';
import { Migration0007ProgramRevision } from './Migration0007ProgramRevision.js';
import { Migration0008RuntimeRole } from './Migration0008RuntimeRole.js';
import { Migration0009BackfillShards } from './Migration0009BackfillShards.js';
import { Migration0010HistoryWatermarks } from './Migration0010HistoryWatermarks.js';
import { Migration0011SetsByUserSession } from './Migration0011SetsByUserSession.js';
import { Migration0012CheaperHistoryTriggers } from './Migration0012CheaperHistoryTriggers.js';

/** Every schema migration, oldest first. The first is the legacy schema and is never reverted. */
export const migrations = [
  { name: 'Migration0001LegacySchema', class: Migration0001LegacySchema },
  { name: 'Migration0002Phase1Guarantees', class: Migration0002Phase1Guarantees },
  { name: 'Migration0003ProgramVersions', class: Migration0003ProgramVersions },
  { name: 'Migration0004HistoryGuards', class: Migration0004HistoryGuards },
  { name: 'Migration0005BackfillRuns', class: Migration0005BackfillRuns },
  { name: 'Migration0006VersionedReadIndexes', class: Migration0006VersionedReadIndexes },
  { name: 'Migration0007ProgramRevision', class: Migration0007ProgramRevision },
  { name: 'Migration0008RuntimeRole', class: Migration0008RuntimeRole },
  { name: 'Migration0009BackfillShards', class: Migration0009BackfillShards },
  { name: 'Migration0010HistoryWatermarks', class: Migration0010HistoryWatermarks },
  { name: 'Migration0011SetsByUserSession', class: Migration0011SetsByUserSession },
  { name: 'Migration0012CheaperHistoryTriggers', class: Migration0012CheaperHistoryTriggers },
];

export const LEGACY_SCHEMA_MIGRATION = 'Migration0001LegacySchema';
export const VERSION_TABLES_MIGRATION = 'Migration0003ProgramVersions';
