import type { EntityManager } from '@mikro-orm/postgresql';
import { programModelOfRow } from '../../store/program-content.js';
import { composeReadPath } from '../compose-read-path.js';
import { createProgramSource } from '../program-source.js';
import type { ReadPath } from '../read-path.js';
import { selectLastPerformanceLegacy } from './last-performance-legacy.js';

/** Reads from the legacy tables: program content from `programs.program_json`, last performance by the logged exercise id. */
export function createLegacyReadPath(em: EntityManager, userId: string): ReadPath {
  return composeReadPath(em, userId, {
    programs: createProgramSource(em, userId, async (rows) => rows.map((row) => programModelOfRow(row))),
    lastPerformance: (ids) => selectLastPerformanceLegacy(em, userId, ids),
  });
}
