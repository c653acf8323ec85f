import { tsImport } from 'tsx/esm/api';

/** Jest loads global setup outside its module system; tsx lets it import the TypeScript sources. */
export default async function globalSetup() {
  const { startTestDatabase } = await tsImport('./start-test-database.ts', import.meta.url);
  await startTestDatabase();
}
