import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { runCli, temporaryFolder } from './cli-process.js';

const ROVER_YAML = resolve('rover.yaml');
const TRAINING_SDL = resolve('src/graphql/generated/training.graphql');
const USERS_SDL = resolve('test/federation/users.graphql');

let tmp: ReturnType<typeof temporaryFolder>;
beforeAll(() => {
  tmp = temporaryFolder('compose-');
});
afterAll(() => tmp.remove());

/** A rover supergraph config in the temporary folder, with absolute schema paths. */
function roverConfig(name: string, subgraphs: Record<string, { url: string; file: string }>): string {
  const lines = ['federation_version: =2.14.4', 'subgraphs:'];
  for (const [subgraph, { url, file }] of Object.entries(subgraphs)) {
    lines.push(`  ${subgraph}:`, `    routing_url: ${url}`, '    schema:', `      file: ${file}`);
  }
  const path = join(tmp.path, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('rover.yaml', () => {
  const config = parseYaml(readFileSync(ROVER_YAML, 'utf8'));

  it('pins a Federation 2 composition version, as rover requires', () => {
    // rover accepts `2` (latest 2.x) or an exact `=2.x.y`
    expect(String(config.federation_version)).toMatch(/^(2|=2\.\d+\.\d+)$/);
  });

  it('gives every subgraph a routing URL and a schema file that exists', () => {
    const subgraphs = Object.entries(config.subgraphs ?? {}) as [string, any][];
    expect(subgraphs.map(([name]) => name)).toContain('training');
    for (const [name, subgraph] of subgraphs) {
      expect({ name, url: new URL(subgraph.routing_url).protocol }).toEqual({ name, url: expect.stringMatching(/^https?:$/) });
      const file = resolve(dirname(ROVER_YAML), subgraph.schema?.file ?? '');
      expect({ name, file, exists: existsSync(file) }).toEqual({ name, file, exists: true });
    }
  });
});

describe('npm run compose', () => {
  it("writes the supergraph of rover.yaml's subgraphs, joined to the training subgraph", async () => {
    const out = join(tmp.path, 'supergraph.graphql');
    const result = await runCli('compose', '--out', out);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const supergraph = readFileSync(out, 'utf8');
    expect(supergraph).toContain('@link(url: "https://specs.apollo.dev/join/v0.4", for: EXECUTION)');
    expect(supergraph).toMatch(/TRAINING @join__graph\(name: "training", url: "http:\/\/localhost:4001\/graphql"\)/);
    expect(supergraph).toMatch(/type Program[^{]*@join__type\(graph: TRAINING, key: "id"\)/);
    expect(supergraph).toMatch(/type Session[^{]*@join__type\(graph: TRAINING, key: "id"\)/);
    expect(supergraph).toMatch(/type ProgramVersion[^{]*@join__type\(graph: TRAINING, key: "id"\)/);
  });

  it('composes training with a users subgraph that owns User and Query.me', async () => {
    const config = roverConfig('with-users.yaml', {
      training: { url: 'http://training:4001/graphql', file: TRAINING_SDL },
      users: { url: 'http://users:4002/graphql', file: USERS_SDL },
    });
    const out = join(tmp.path, 'with-users.graphql');
    expect((await runCli('compose', '--config', config, '--out', out)).code).toBe(0);
    const supergraph = readFileSync(out, 'utf8');
    expect(supergraph).toMatch(/USERS @join__graph\(name: "users", url: "http:\/\/users:4002\/graphql"\)/);
    expect(supergraph).toMatch(/me: User @join__field\(graph: USERS\)/);
    expect(supergraph).toMatch(/activeProgram: Program @join__field\(graph: TRAINING\)/);
  });

  it('prints every composition error and exits 1, writing nothing', async () => {
    const clash = join(tmp.path, 'clash.graphql');
    // a second subgraph that redefines a training field with another type, and a value type that disagrees
    writeFileSync(
      clash,
      `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
       type User @key(fields: "id") { id: ID! programs: String }
       type Query { clash: User }`,
    );
    const config = roverConfig('clash.yaml', {
      training: { url: 'http://training:4001/graphql', file: TRAINING_SDL },
      clash: { url: 'http://clash:4003/graphql', file: clash },
    });
    const out = join(tmp.path, 'never.graphql');
    const result = await runCli('compose', '--config', config, '--out', out);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/composition of training, clash failed with \d+ error\(s\)/);
    expect(result.stderr).toMatch(/\[[A-Z_]+\] .*User\.programs/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a config it cannot compose from, naming the problem', async () => {
    const missing = roverConfig('missing.yaml', { training: { url: 'http://training:4001/graphql', file: join(tmp.path, 'nope.graphql') } });
    const noFile = join(tmp.path, 'no-file.yaml');
    writeFileSync(noFile, 'federation_version: =2.14.4\nsubgraphs:\n  training:\n    routing_url: http://training:4001/graphql\n    schema:\n      subgraph_url: http://training:4001/graphql\n');
    const [missingResult, noFileResult, usage] = await Promise.all([
      runCli('compose', '--config', missing, '--out', join(tmp.path, 'x.graphql')),
      runCli('compose', '--config', noFile, '--out', join(tmp.path, 'y.graphql')),
      runCli('compose', '--bogus'),
    ]);
    expect(missingResult.code).toBe(1);
    expect(missingResult.stderr).toMatch(/subgraph training: schema file .*nope\.graphql does not exist/);
    expect(noFileResult.code).toBe(1);
    expect(noFileResult.stderr).toMatch(/subgraphs\.training\.schema\.file/);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/usage: npm run compose/);
  });
});
