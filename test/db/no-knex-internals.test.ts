import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * MikroORM 7 drops knex: SQL reaches the database through MikroORM's own API
 * (entities, query builders, `em.execute`) or through `pg` directly (the
 * statement pool), never through knex's client, its connections or its
 * events, nor by recognising knex's error texts. Tests are held to the same
 * rule. One exception, in one place: the driver subclass begins a transaction
 * on a connection of the statement pool through knex's public
 * `transaction(null, { connection })` (`src/db/statement-pool.ts`).
 */
const FORBIDDEN = [/getKnex\s*\(/, /acquireConnection/, /getTransactionContext\s*</, /\.on\(\s*'query'/, /Timeout acquiring a connection/, /Transaction query already complete/];
const ALLOWED: Record<string, RegExp[]> = { 'src/db/statement-pool.ts': [/getKnex\s*\(/] };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const root = join(import.meta.dirname, '..', '..');

it('no source or test file reaches into knex', () => {
  const offending = ['src', 'test', 'bench', 'stress']
    .flatMap((dir) => sourceFiles(join(root, dir)))
    .filter((file) => !file.endsWith('no-knex-internals.test.ts'))
    .flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      const allowed = (ALLOWED[relative(root, file)] ?? []).map((pattern) => pattern.source);
      return FORBIDDEN.filter((pattern) => !allowed.includes(pattern.source) && pattern.test(text)).map((pattern) => `${relative(root, file)}: ${pattern.source}`);
    });
  expect(offending).toEqual([]);
});

it('the driver subclass names knex once, to begin a transaction on a connection of its own', () => {
  const text = readFileSync(join(root, 'src/db/statement-pool.ts'), 'utf8');
  expect(text.match(/getKnex\s*\(/g)).toHaveLength(1);
  expect(text).toMatch(/getKnex\(\)\.transaction\(null, \{[^}]*connection: client \}\)/);
});
