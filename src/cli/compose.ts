import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const USAGE = 'usage: npm run compose -- [--config rover.yaml] [--out supergraph.graphql]';

class ComposeFailed extends Error {}

/**
 * The part of rover's supergraph config this command reads. rover also accepts
 * `schema.subgraph_url` (introspection) and `schema.graph_ref`; those need a
 * running service or Apollo's registry, so they are refused here by name.
 */
const roverConfig = z.object({
  federation_version: z.union([z.string(), z.number()]).transform(String),
  subgraphs: z.record(
    z.string(),
    z.object({
      routing_url: z.string().url(),
      schema: z.object({ file: z.string().min(1, 'must name a file') }, { error: 'needs `file:` (subgraph_url and graph_ref are not supported by npm run compose)' }),
    }),
  ),
});

type RoverConfig = z.output<typeof roverConfig>;

function readConfig(file: string): RoverConfig {
  if (!existsSync(file)) throw new ComposeFailed(`${file} does not exist`);
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ComposeFailed(`${file} is not valid YAML: ${error instanceof Error ? error.message : String(error)}`);
  }
  const result = roverConfig.safeParse(raw);
  if (!result.success) {
    throw new ComposeFailed(`${file} is not a valid rover supergraph config:\n${result.error.issues.map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n')}`);
  }
  if (Object.keys(result.data.subgraphs).length === 0) throw new ComposeFailed(`${file} lists no subgraphs`);
  return result.data;
}

/** rover pins composition with `=2.x.y`; a different local version may compose differently, so say so. */
function warnOnVersionMismatch(pinned: string): void {
  const version = (createRequire(import.meta.url)('@apollo/composition/package.json') as { version: string }).version;
  const exact = /^=\s*(\d+\.\d+\.\d+)$/.exec(pinned.trim());
  if (exact && exact[1] !== version) {
    process.stderr.write(`warning: rover.yaml pins federation_version ${pinned}, but @apollo/composition ${version} is installed\n`);
  }
}

function compose(configFile: string): string {
  const config = readConfig(configFile);
  warnOnVersionMismatch(config.federation_version);
  const base = dirname(resolve(configFile));
  const services = Object.entries(config.subgraphs).map(([name, subgraph]) => {
    const file = resolve(base, subgraph.schema.file);
    if (!existsSync(file)) throw new ComposeFailed(`subgraph ${name}: schema file ${subgraph.schema.file} does not exist (for training, run \`npm run codegen\`)`);
    try {
      return { name, url: subgraph.routing_url, typeDefs: parse(readFileSync(file, 'utf8')) };
    } catch (error) {
      throw new ComposeFailed(`subgraph ${name}: ${subgraph.schema.file} is not valid SDL: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  const result = composeServices(services);
  if (result.errors) {
    const lines = result.errors.map((e) => `  - [${String(e.extensions.code ?? 'ERROR')}] ${e.message}`);
    throw new ComposeFailed(`composition of ${services.map((s) => s.name).join(', ')} failed with ${result.errors.length} error(s):\n${lines.join('\n')}`);
  }
  for (const hint of result.hints) process.stderr.write(`hint: [${hint.definition.code}] ${hint.message}\n`);
  return result.supergraphSdl;
}

/** `npm run compose`: the supergraph SDL from rover.yaml's subgraph list, composed as rover would. */
function main(): number {
  let values: { config?: string; out?: string };
  try {
    values = parseArgs({ args: process.argv.slice(2), options: { config: { type: 'string' }, out: { type: 'string' } }, strict: true }).values;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  const configFile = values.config ?? 'rover.yaml';
  const out = values.out ?? 'supergraph.graphql';
  try {
    const supergraph = compose(configFile);
    writeFileSync(out, supergraph.endsWith('\n') ? supergraph : `${supergraph}\n`);
    process.stdout.write(`composed ${configFile} into ${out}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof ComposeFailed)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  }
}

process.exit(main());
