import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A full collection on demand, for tests of what a collection frees or
 * counts. `--expose-gc` set while running exposes `gc` only to contexts
 * created after it, hence the new context.
 */
export function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
