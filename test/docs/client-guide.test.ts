import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DEMO_USERS } from '../../src/seed/demo-data.js';
import { seedIfEmpty } from '../../src/seed/seed-if-empty.js';
import { WORKOUT_SCREEN_QUERY } from '../../src/server/landing-page/workout-screen-query.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Runs every example of docs/client-guide.md, so the guide cannot drift: its GraphQL
 * operations and curl commands against a real server on the demo data, its
 * Apollo Client snippet and its codegen configuration as a team would.
 * An example that expects an error says so in a comment: `# → CODE`.
 */
const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const GUIDE = readFileSync(join(ROOT, 'docs/client-guide.md'), 'utf8');
/** Where the guide's examples point: `npm start`'s default address. */
const DOCUMENTED_ORIGIN = 'http://localhost:4001';

interface Block {
  readonly lang: string;
  readonly text: string;
}

/** Fenced blocks, also those indented inside list items. */
function blocks(markdown: string): Block[] {
  const found: Block[] = [];
  for (const match of markdown.matchAll(/^( *)```(\w*)\n([\s\S]*?)^\1```$/gm)) {
    const indent = match[1]!.length;
    found.push({ lang: match[2]!, text: match[3]!.split('\n').map((line) => line.slice(indent)).join('\n') });
  }
  return found;
}

const all = blocks(GUIDE);
const graphqlBlocks = all.filter((b) => b.lang === 'graphql');
const shellBlocks = all.filter((b) => b.lang === 'sh');
const tsBlocks = all.filter((b) => b.lang === 'ts');
const expectedCode = (text: string) => /# → (\w+)/.exec(text)?.[1];
const operationName = (text: string) => /(?:query|mutation) (\w+)/.exec(text)?.[1] ?? text.slice(0, 40);
const tsBlock = (marker: string) => {
  const found = tsBlocks.find((b) => b.text.includes(marker));
  if (!found) throw new Error(`the guide has no ts block with ${marker}`);
  return found.text;
};

let t: TestApp;
let origin: string;
beforeAll(async () => {
  t = await startTestApp();
  await seedIfEmpty(t.db.adminUrl);
  origin = t.app.url.replace(/\/$/, '');
});
afterAll(() => t.close());

/** A scratch directory that resolves packages from the repository, as a front-end project would from its own. */
async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'client-guide-'));
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

function expectAnswer(body: { data?: unknown; errors?: { extensions?: { code?: string } }[] }, code: string | undefined): void {
  if (code) {
    expect(body.errors?.map((e) => e.extensions?.code)).toContain(code);
  } else {
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual(expect.any(Object));
  }
}

describe('docs/client-guide.md', () => {
  it('has the examples this test runs', () => {
    expect(graphqlBlocks.length).toBeGreaterThanOrEqual(5);
    expect(shellBlocks.length).toBeGreaterThanOrEqual(3);
    expect(tsBlocks).toHaveLength(2);
    expect(all.every((b) => ['graphql', 'sh', 'ts'].includes(b.lang))).toBe(true);
  });

  it.each(graphqlBlocks.map((b) => [operationName(b.text), b.text]))('GraphQL %s answers as the guide says, as alice', async (_name, text) => {
    expectAnswer(await t.gql(text, {}, DEMO_USERS.alice), expectedCode(text));
  });

  it('shows the workout screen the landing page opens Sandbox with', () => {
    expect(graphqlBlocks.map((b) => b.text)).toContain(WORKOUT_SCREEN_QUERY);
  });

  it('pages history with endCursor as after: the next page holds older sessions', async () => {
    const history = graphqlBlocks.find((b) => b.text.includes('query History'))!.text;
    type Page = { sessions: { edges: { node: { id: string; startedAt: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
    const first = (await t.gql<Page>(history, {}, DEMO_USERS.alice)).data!.sessions;
    expect(first.edges).toHaveLength(5);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await t.gql<Page>(history, { after: first.pageInfo.endCursor }, DEMO_USERS.alice)).data!.sessions;
    expect(second.edges).toHaveLength(5);
    const ids = new Set(first.edges.map((e) => e.node.id));
    expect(second.edges.some((e) => ids.has(e.node.id))).toBe(false);
    expect(second.edges[0]!.node.startedAt <= first.edges[4]!.node.startedAt).toBe(true);
  });

  it.each(shellBlocks.map((b) => [operationName(b.text), b.text]))('curl %s answers as the guide says', async (_name, text) => {
    const { stdout } = await run('bash', ['-c', text.split(DOCUMENTED_ORIGIN).join(origin)]);
    const body = JSON.parse(stdout) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
    expectAnswer(body, expectedCode(text));
  });

  it('Apollo Client example: the default cache answers the query, and Apollo Client prints no warning', async () => {
    const dir = await scratch();
    try {
      await writeFile(join(dir, 'client.mts'), tsBlock('new ApolloClient').split(DOCUMENTED_ORIGIN).join(origin));
      // As the guide says: the shipped type policies, copied into the app.
      await writeFile(join(dir, 'type-policies.ts'), readFileSync(join(ROOT, 'src/client/type-policies.ts'), 'utf8'));
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'client.mts'], { cwd: dir });
      expect(stderr).toBe('');
      const data = JSON.parse(stdout) as { activeProgram: { id: string; name: string; workouts: { id: string }[] } };
      expect(data.activeProgram.name).toBe('Upper/Lower 4-Day');
      expect(data.activeProgram.workouts).toHaveLength(4);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  describe('codegen configuration, run with the client preset against the running server', () => {
    /** Runs the configuration on the guide's operations; returns the generated operation types. */
    async function generate(config: string): Promise<string> {
      const dir = await scratch();
      try {
        await writeFile(join(dir, 'codegen.ts'), config.split(DOCUMENTED_ORIGIN).join(origin));
        await mkdir(join(dir, 'src'));
        await Promise.all(graphqlBlocks.map((b, i) => writeFile(join(dir, 'src', `operation-${i}.graphql`), b.text)));
        await run(join(dir, 'node_modules/.bin/graphql-codegen'), ['--config', 'codegen.ts'], { cwd: dir }).catch((error: { stdout?: string; stderr?: string }) => {
          throw new Error(`graphql-codegen failed:\n${error.stdout}\n${error.stderr}`);
        });
        return await readFile(join(dir, 'src/gql/graphql.ts'), 'utf8');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
    const typeOf = (generated: string, name: string) => new RegExp(`export type ${name} = .*`).exec(generated)?.[0] ?? `no type ${name}`;

    it('types DateTime and Date as string', async () => {
      const generated = await generate(tsBlock('CodegenConfig'));
      expect(typeOf(generated, 'HistoryQuery')).toMatch(/startedAt: string, completedAt: string \| null/);
      expect(typeOf(generated, 'WeekQuery')).toMatch(/date: string/);
      const operationTypes = generated.match(/^export type \w+Query = .*$/gm) ?? [];
      expect(operationTypes).toHaveLength(graphqlBlocks.length);
      for (const type of operationTypes) expect(type).not.toMatch(/\bunknown\b/);
    }, 120_000);

    it('without the scalars mapping they are unknown (what the guide warns about)', async () => {
      const config = tsBlock('CodegenConfig');
      const withoutScalars = config.replace(/^ *scalars: .*\n/m, '');
      expect(withoutScalars).not.toBe(config);
      const generated = await generate(withoutScalars);
      expect(typeOf(generated, 'HistoryQuery')).toMatch(/startedAt: unknown/);
      expect(typeOf(generated, 'WeekQuery')).toMatch(/date: unknown/);
    }, 120_000);
  });
});
