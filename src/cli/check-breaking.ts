import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { printSubgraphSchema } from '@apollo/subgraph';
import { buildSchema } from '../graphql/schema.js';
import { schemaChanges, type ChangeLevel, type SchemaChange } from '../graphql/schema-diff.js';

const USAGE = 'usage: npm run check:breaking -- [--released FILE] [--current FILE]';
const RELEASED = 'schema/released/training.graphql';

const LABELS: Record<ChangeLevel, string> = { BREAKING: 'BREAKING ', DANGEROUS: 'DANGEROUS', NON_BREAKING: 'safe     ' };

function line(change: SchemaChange): string {
  const reason = change.level !== 'NON_BREAKING' && change.reason ? `\n              ${change.reason}` : '';
  return `  ${LABELS[change.level]}  ${change.path ?? '(schema)'}: ${change.message}${reason}`;
}

/**
 * `npm run check:breaking`: the subgraph SDL built from schema/ (or `--current`)
 * against the last released SDL. Exit 1 when a change would break a client;
 * dangerous changes (e.g. a new enum value a client may not handle) only warn.
 */
async function main(): Promise<number> {
  let values: { released?: string; current?: string };
  try {
    values = parseArgs({ args: process.argv.slice(2), options: { released: { type: 'string' }, current: { type: 'string' } }, strict: true }).values;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  const releasedFile = values.released ?? RELEASED;
  if (!existsSync(releasedFile)) {
    process.stderr.write(`${releasedFile} is missing: commit the SDL of the last release there (a copy of src/graphql/generated/training.graphql)\n`);
    return 1;
  }
  const current = values.current ? readFileSync(values.current, 'utf8') : printSubgraphSchema(buildSchema());
  const changes = await schemaChanges(readFileSync(releasedFile, 'utf8'), current);
  const source = values.current ?? 'schema/';
  if (changes.length === 0) {
    process.stdout.write(`OK: ${source} has no changes against ${releasedFile}\n`);
    return 0;
  }
  const count = (level: ChangeLevel) => changes.filter((c) => c.level === level).length;
  process.stdout.write(`${source} against ${releasedFile}:\n${changes.map(line).join('\n')}\n`);
  process.stdout.write(`${changes.length} change(s): ${count('BREAKING')} breaking, ${count('DANGEROUS')} dangerous, ${count('NON_BREAKING')} safe\n`);
  if (count('BREAKING') > 0) {
    process.stdout.write(
      'FAILED: these changes would break clients of the released schema. Keep the old field or argument (deprecate it with a reason) and add the new one beside it.\n',
    );
    return 1;
  }
  process.stdout.write(count('DANGEROUS') > 0 ? 'OK with warnings: check that clients handle the dangerous changes.\n' : 'OK: no breaking changes.\n');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
