import { MikroORM, defineConfig } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { entities } from './entities/index.js';
import { migrations } from './migrations/index.js';
import { recordStatement } from './statement-counter.js';

export interface OrmOptions {
  readonly url: string;
  readonly poolMax?: number;
  /** How long a request waits for a free connection before failing as retryable. */
  readonly acquireTimeoutMs?: number;
}

/** One MikroORM instance per process; requests fork its EntityManager. */
export async function createOrm(options: OrmOptions): Promise<MikroORM> {
  const orm = await MikroORM.init(
    defineConfig({
      clientUrl: options.url,
      entities,
      extensions: [Migrator],
      discovery: { warnWhenNoEntities: false },
      allowGlobalContext: false,
      pool: { min: 0, max: options.poolMax ?? 10, acquireTimeoutMillis: options.acquireTimeoutMs ?? 5000 },
      driverOptions: { connection: { application_name: 'training-subgraph' } },
      migrations: {
        migrationsList: migrations,
        tableName: 'schema_migrations',
        transactional: true,
        allOrNothing: true,
        snapshot: false,
        silent: true,
      },
    }),
  );
  orm.em.getConnection().getKnex().on('query', recordStatement);
  return orm;
}
