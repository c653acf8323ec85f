import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printSubgraphSchema } from '@apollo/subgraph';
import { buildSchema } from '../../src/graphql/schema.js';
import { breakingChanges, schemaChanges } from '../../src/graphql/schema-diff.js';
import { runCli, temporaryFolder } from './cli-process.js';

const current = printSubgraphSchema(buildSchema());

/** `sdl` with one edit that must apply: a test whose edit silently missed would prove nothing. */
function edited(sdl: string, from: string | RegExp, to: string): string {
  const result = sdl.replace(from, to);
  if (result === sdl) throw new Error(`edit ${String(from)} did not apply`);
  return result;
}

const withoutIsActive = edited(current, /\n\s*"""Whether this is the user's active program \(at most one is\)\."""\n\s*isActive: Boolean!\n/, '\n');

describe('breakingChanges', () => {
  it('finds nothing between a schema and itself', async () => {
    expect(await schemaChanges(current, current)).toEqual([]);
  });

  it('reports a removed field as breaking, with its coordinate', async () => {
    expect(await breakingChanges(current, withoutIsActive)).toEqual([
      expect.objectContaining({ level: 'BREAKING', type: 'FIELD_REMOVED', path: 'Program.isActive' }),
    ]);
  });

  it('reports a nullable argument made required, and a removed entity key, as breaking', async () => {
    const required = edited(current, /after: String\n/, 'after: String!\n');
    expect((await breakingChanges(current, required)).map((c) => c.path)).toEqual(['Query.sessions.after']);
    const keyless = edited(current, /type Session\n\s*@key\(fields: "id"\)/, 'type Session');
    expect((await breakingChanges(current, keyless)).map((c) => c.path)).toContain('Session.@key');
    const rekeyed = edited(current, /type Session\n\s*@key\(fields: "id"\)/, 'type Session @key(fields: "workoutName")');
    expect((await breakingChanges(current, rekeyed)).map((c) => c.path)).toEqual(['Session.@key.fields']);
  });

  it('lets additions through: a new optional field is safe, a new enum value only dangerous', async () => {
    const added = `${current}\nextend type Query {\n  "Whether the service is up."\n  ping: Boolean\n}\nextend enum ChangeSource {\n  "Merged from another program."\n  MERGE\n}\n`;
    const changes = await schemaChanges(current, added);
    expect(await breakingChanges(current, added)).toEqual([]);
    expect(changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: 'DANGEROUS', path: 'ChangeSource.MERGE' }),
        expect.objectContaining({ level: 'NON_BREAKING', path: 'Query.ping' }),
      ]),
    );
  });

  it('fails loudly on SDL that is not a subgraph schema', async () => {
    await expect(schemaChanges(current, 'type {')).rejects.toThrow(/the new SDL is not a valid subgraph schema/);
  });

  it('accepts the committed release as the baseline', async () => {
    const released = readFileSync('schema/released/training.graphql', 'utf8');
    await expect(schemaChanges(released, current)).resolves.toEqual(expect.any(Array));
  });
});

describe('npm run check:breaking', () => {
  let tmp: ReturnType<typeof temporaryFolder>;
  beforeAll(() => {
    tmp = temporaryFolder('check-breaking-');
  });
  afterAll(() => tmp.remove());

  it('exits 1 and names the field when schema/ dropped a field the release has', async () => {
    // the release had a field that schema/ no longer has
    const released = join(tmp.path, 'released-with-extra.graphql');
    writeFileSync(released, edited(current, /type Program\n\s*@key\(fields: "id"\)\n\{/, 'type Program @key(fields: "id") {\n  "Gone."\n  legacyName: String'));
    const [breaking, same] = await Promise.all([
      runCli('check-breaking', '--released', released),
      runCli('check-breaking', '--released', (writeFileSync(join(tmp.path, 'same.graphql'), current), join(tmp.path, 'same.graphql'))),
    ]);
    expect(breaking.code).toBe(1);
    expect(breaking.stdout).toMatch(/BREAKING\s+Program\.legacyName: Field 'legacyName' was removed from object type 'Program'/);
    expect(breaking.stdout).toMatch(/FAILED/);
    expect(same).toMatchObject({ code: 0 });
    expect(same.stdout).toMatch(/^OK: schema\/ has no changes/);
  });

  it('exits 0 with a warning for dangerous changes only, and 2 on bad usage', async () => {
    const next = join(tmp.path, 'next.graphql');
    writeFileSync(next, `${current}\nextend enum ChangeSource {\n  "Merged."\n  MERGE\n}\n`);
    const released = join(tmp.path, 'released.graphql');
    writeFileSync(released, current);
    const [dangerous, usage] = await Promise.all([runCli('check-breaking', '--released', released, '--current', next), runCli('check-breaking', '--nope')]);
    expect(dangerous.code).toBe(0);
    expect(dangerous.stdout).toMatch(/DANGEROUS\s+ChangeSource\.MERGE/);
    expect(dangerous.stdout).toMatch(/OK with warnings/);
    expect(usage.code).toBe(2);
  });
});
