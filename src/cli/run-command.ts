import type { MikroORM } from '@mikro-orm/postgresql';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { locateDatabase } from '../db/database.js';
import { checkDatabaseRole } from '../db/database-role.js';
import { pendingMigrations } from '../db/migrator.js';
import { createOrm } from '../db/orm.js';
import { failureMessage } from './failure-message.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure the operator can act on: its message is printed alone, exit code 1. */
export class CommandFailed extends Error {
  override name = 'CommandFailed';
}

export interface CommandContext {
  readonly config: Config;
  readonly orm: MikroORM;
  /** Connection URL of the database the command works on. */
  readonly url: string;
  /** Results go to stdout; progress and diagnostics to stderr. */
  readonly out: (line: string) => void;
}

/**
 * Runs an operator command against `DATABASE_URL` or the embedded database and
 * exits with the documented codes: 0 done, 1 failed, 2 bad usage.
 */
export async function runCommand(
  command: (ctx: CommandContext) => Promise<number>,
  // `role: 'migration'`: connect as the migration role (`MIGRATION_DATABASE_URL`), with no pending-schema or role check.
  options: { requireSchema?: boolean; usage?: string; role?: 'service' | 'migration' } = {},
): Promise<never> {
  let code = 1;
  let cleanup = async (): Promise<void> => {};
  let databaseUrl: string | undefined;
  try {
    const config = loadConfig();
    databaseUrl = config.DATABASE_URL;
    const location = await locateDatabase(config);
    const migrates = options.role === 'migration';
    const url = migrates ? location.migrationUrl : location.url;
    databaseUrl = url;
    cleanup = () => location.release();
    const orm = await createOrm({ url, poolMax: 4 });
    cleanup = async () => {
      await orm.close();
      await location.release();
    };
    // Ctrl-C or a stop signal: close the pool and stop an embedded server this command started.
    // Exit codes as a shell reports a process ended by the signal: 128 + its number.
    for (const [signal, exitCode] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
      process.once(signal, () => {
        process.stderr.write(`${signal}: stopping\n`);
        void cleanup().finally(() => process.exit(exitCode));
      });
    }
    if (options.requireSchema !== false) {
      const pending = await pendingMigrations(orm);
      if (pending.length > 0) {
        throw new CommandFailed(`the database schema is not up to date (${pending.join(', ')} pending): run \`npm run migrate -- up\` first`);
      }
    }
    if (!migrates) await checkDatabaseRole(orm, config, (warning) => process.stderr.write(`warning: ${warning}\n`));
    code = await command({ config, orm, url, out: (line) => process.stdout.write(`${line}\n`) });
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`${error.message}\n${error instanceof UsageError || !options.usage ? '' : `${options.usage}\n`}`);
      code = 2;
    } else if (error instanceof CommandFailed) {
      process.stderr.write(`${error.message}\n`);
      code = 1;
    } else if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      code = 2;
    } else {
      process.stderr.write(`failed: ${failureMessage(error, databaseUrl)}\n`);
      code = 1;
    }
  } finally {
    await cleanup().catch(() => {});
  }
  process.exit(code);
}
