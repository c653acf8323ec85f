import { rmSync } from 'node:fs';

export default async function globalTeardown() {
  await globalThis.__testDatabaseServer?.stop();
  if (process.env.TEST_PG_DIR) rmSync(process.env.TEST_PG_DIR, { recursive: true, force: true });
}
