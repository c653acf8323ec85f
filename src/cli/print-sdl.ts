import { writeFileSync } from 'node:fs';
import { printSubgraphSchema } from '@apollo/subgraph';
import { buildSchema } from '../graphql/schema.js';

/**
 * Writes the subgraph's SDL as one file (`rover.yaml` points at it; composition
 * and the breaking-change check read it). Part of `npm run codegen`, so CI's
 * staleness check covers it.
 */
const target = process.argv[2] ?? 'src/graphql/generated/training.graphql';
writeFileSync(target, `# Generated from schema/*.graphql by \`npm run codegen\`: do not edit.\n${printSubgraphSchema(buildSchema())}`);
