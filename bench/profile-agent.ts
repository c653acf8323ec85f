import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

/**
 * Preloaded into the server by `npm run profile` (`--import`): the V8 CPU
 * profiler, switched by signals so that only the measured requests are in the
 * profile (not start-up, not the warm-up). The first SIGUSR2 starts it and
 * writes `<PROFILE_OUT>.started`; the second stops it and writes the profile
 * (`.cpuprofile`, the format Chrome DevTools opens) to PROFILE_OUT.
 * Not part of the product: nothing under src/ imports it.
 */
const out = process.env.PROFILE_OUT;
if (!out) throw new Error('profile-agent: PROFILE_OUT is not set');
const intervalMicros = Number(process.env.PROFILE_SAMPLING_MICROS ?? 200);

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
      writeFileSync(`${out}.started`, '');
      return;
    }
    running = false;
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    await post('Profiler.disable');
    writeFileSync(out, JSON.stringify(profile));
  })().catch((error: unknown) => process.stderr.write(`profile-agent: ${String(error)}\n`));
});
