import { createHash } from 'node:crypto';
import { canonicalContent } from './content-hash-input.js';
import type { ProgramContent } from './program.js';

/** sha256 of the program's name and canonical content: equal hashes mean nothing changed. */
export function contentHash(name: string, content: ProgramContent): string {
  return createHash('sha256').update(JSON.stringify(name)).update('\n').update(canonicalContent(content)).digest('hex');
}
