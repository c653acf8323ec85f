import type { ProgramContent } from '../domain/program.js';

/** A program's name and content: what a write replaces and what it stores. */
export interface ProgramState {
  readonly name: string;
  readonly content: ProgramContent;
}
