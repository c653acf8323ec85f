import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The command line of an npm script from package.json, as argv, so that the
 * bench runs the product exactly as operators do — V8 flags included (e.g.
 * the server's young-generation size). Only plain `node …` scripts are taken
 * as they are; anything else (shell syntax) falls back to `fallback`.
 */
export function npmScriptCommand(root: string, script: string, fallback: readonly string[]): string[] {
  const line = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts?.[script];
  return line && /^node\s/.test(line) && !/[;&|<>"'`$]/.test(line) ? line.trim().split(/\s+/) : [...fallback];
}
