import type { EntityManager } from '@mikro-orm/postgresql';
import { programModelOfRow } from '../../store/program-content.js';
import { composeReadPath } from '../compose-read-path.js';
import { createProgramSource } from '../program-source.js';
import type { ReadPath } from '../read-path.js';
import { selectLastPerformanceLegacy } from './last-performance-legacy.js';
import { lastPerformanceCache, type LastPerformanceCache } from '../last-performance-cache.js';

/**
 * Reads from the legacy tables: program content from `programs.program_json`,
 * last performance by the logged exercise id. `performances` keeps last
 * performances between requests (the process-wide cache by default; null for
 * a consistency check, which must read the tables).
 */
export function createLegacyReadPath(em: EntityManager, userId: string, performances: LastPerformanceCache | null = lastPerformanceCache): ReadPath {
  return composeReadPath(em, userId, {
    programs: createProgramSource(em, userId, async (rows) => rows.map((row) => programModelOfRow(row))),
    lastPerformance: (ids) => selectLastPerformanceLegacy(em, userId, ids),
    cache: performances && { performances, kind: 'legacy' },
  });
}
