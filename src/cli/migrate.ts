import { parseArgs } from 'node:util';
import { MigrationRefused, migrateDown, migrateUp, migrationStatus } from '../db/migrator.js';
import { runCommand, UsageError } from './run-command.js';

const USAGE = 'usage: npm run migrate -- up|down|status';

await runCommand(async ({ orm, out }) => {
  const { positionals } = parseArgs({ args: process.argv.slice(2), allowPositionals: true, strict: true });
  const [action, ...rest] = positionals;
  if (rest.length > 0) throw new UsageError(USAGE);
  switch (action) {
    case 'up': {
      const applied = await migrateUp(orm);
      out(applied.length ? applied.map((n) => `applied ${n}`).join('\n') : 'nothing to apply: schema is up to date');
      return 0;
    }
    case 'down': {
      try {
        const reverted = await migrateDown(orm);
        out(reverted ? `reverted ${reverted}` : 'nothing to revert');
        return 0;
      } catch (error) {
        if (error instanceof MigrationRefused) {
          process.stderr.write(`refused: ${error.message}\n`);
          return 1;
        }
        throw error;
      }
    }
    case 'status': {
      for (const m of await migrationStatus(orm)) out(`${m.applied ? 'applied' : 'pending'}  ${m.name}`);
      return 0;
    }
    default:
      throw new UsageError(USAGE);
  }
}, { requireSchema: false, role: 'migration', usage: USAGE });
