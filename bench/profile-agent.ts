import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Preloaded into the server by `npm run profile` (`--import`): the V8 CPU
 * profiler, switched by signals so that only the measured requests are in the
 * profile (not start-up, not the warm-up). The first SIGUSR2 starts it and
 * writes `<PROFILE_OUT>.started`; the second stops it and writes the profile
 * (`.cpuprofile`, the format Chrome DevTools opens) to PROFILE_OUT.
 * With PROFILE_SURVIVORS set, V8's sampling heap profiler runs beside it,
 * counting only what outlives a minor collection, and its profile goes to
 * `<PROFILE_OUT>.heapprofile` first (DevTools › Memory opens it).
 * Not part of the product: nothing under src/ imports it.
 */
const out = process.env.PROFILE_OUT;
if (!out) throw new Error('profile-agent: PROFILE_OUT is not set');
const intervalMicros = Number(process.env.PROFILE_SAMPLING_MICROS ?? 200);
const survivors = Boolean(process.env.PROFILE_SURVIVORS);
/** A minor collection on demand, so that what is young and dead when sampling stops is not counted. */
const scavenge = survivors ? exposedGc() : null;

function exposedGc(): (options: { type: 'minor'; execution: 'sync' }) => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as (options: { type: 'minor'; execution: 'sync' }) => void;
}

const session = new Session();
session.connect();
let running = false;

const post = (method: string, params?: object) =>
  new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))));

process.on('SIGUSR2', () => {
  void (async () => {
    if (!running) {
      running = true;
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: intervalMicros });
      await post('Profiler.start');
      if (survivors) {
        scavenge!({ type: 'minor', execution: 'sync' });
        await post('HeapProfiler.enable');
        // One sample per 8 KiB allocated; objects a minor collection frees are left out, those a full one frees kept.
        await post('HeapProfiler.startSampling', { samplingInterval: 8192, includeObjectsCollectedByMinorGC: false, includeObjectsCollectedByMajorGC: true });
      }
      writeFileSync(`${out}.started`, '');
      return;
    }
    running = false;
    if (survivors) {
      try {
        scavenge!({ type: 'minor', execution: 'sync' });
        const heap = (await post('HeapProfiler.stopSampling')) as { profile: unknown };
        await post('HeapProfiler.disable');
        writeFileSync(`${out}.heapprofile`, JSON.stringify(heap.profile));
      } catch (error) {
        // The CPU profile is still written: the profile command waits for it.
        process.stderr.write(`profile-agent: heap sampling: ${String(error)}\n`);
      }
    }
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    await post('Profiler.disable');
    writeFileSync(out, JSON.stringify(profile));
  })().catch((error: unknown) => process.stderr.write(`profile-agent: ${String(error)}\n`));
});
