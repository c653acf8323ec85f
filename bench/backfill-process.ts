import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnChild } from './child-processes.js';
import { npmScriptCommand } from './npm-script.js';

/**
 * Runs the backfill as operators do — the command line of `npm run backfill`
 * from package.json (e.g. `node --max-old-space-size=256 --import tsx
 * src/cli/backfill.ts`), V8 flags included — as a child process on `url`, and
 * measures it from outside: wall time and peak resident memory. Peak RSS comes
 * from `/usr/bin/time -v` where installed (the largest process of the tree it
 * waited for); otherwise the command's VmHWM is polled.
 */
export interface BackfillRun {
  readonly command: string;
  readonly wallMs: number;
  readonly peakRssMb: number;
  readonly peakRssSource: '/usr/bin/time' | '/proc VmHWM';
  /** CPU time (user + system) of the command's own process, from `/usr/bin/time`; null without it. */
  readonly cpuSeconds: number | null;
  /** The command's own figures, from its `--report` file. */
  readonly report: {
    readonly durationMs: number;
    readonly rowsPerSecond: number;
    readonly programs: { total: number; versioned: number; unreadable: number };
    readonly sessions: { total: number; linked: number; linkedByName: number; unmatched: number };
    readonly sets: { total: number; linked: number; linkedByName: number; unmatched: number };
    readonly unmatched: unknown[];
  };
}

/** A backfill that exited non-zero; the figures it had when it died. */
export class BackfillFailed extends Error {
  override name = 'BackfillFailed';
  constructor(
    readonly exitCode: number | null,
    readonly wallMs: number,
    readonly peakRssMb: number,
    output: string,
  ) {
    super(`backfill exited with code ${exitCode}${exitCode === 134 ? ' (V8 heap limit: out of memory)' : ''} after ${(wallMs / 1000).toFixed(1)} s, peak RSS ${peakRssMb.toFixed(0)} MB:\n${output.slice(-1500)}`);
  }
}

const TIME = '/usr/bin/time';
const FALLBACK = ['node', '--import', 'tsx', 'src/cli/backfill.ts'];

/** `npm run backfill`'s command line, as argv; `uncapped` drops V8 heap flags (used only to finish a corpus after a failed run). */
export function backfillCommand(root: string, uncapped = false): string[] {
  const argv = npmScriptCommand(root, 'backfill', FALLBACK);
  return uncapped ? argv.filter((a) => !a.startsWith('--max-old-space-size')) : argv;
}

export async function runBackfillProcess(
  root: string,
  url: string,
  batchSize: number,
  log: (line: string) => void,
  options: { uncapped?: boolean; extraArgs?: readonly string[] } = {},
): Promise<BackfillRun> {
  const dir = mkdtempSync(join(tmpdir(), 'training-bench-backfill-'));
  const reportFile = join(dir, 'report.json');
  const timeFile = join(dir, 'time.txt');
  const [, ...nodeArgs] = backfillCommand(root, options.uncapped);
  const args = [...nodeArgs, '--batch-size', String(batchSize), '--report', reportFile, ...(options.extraArgs ?? [])];
  const useTime = existsSync(TIME);
  const env = { ...process.env, DATABASE_URL: url, NODE_ENV: 'development', LOG_LEVEL: 'silent' };
  try {
    const started = performance.now();
    const child = useTime
      ? spawnChild('backfill', TIME, ['-v', '-o', timeFile, process.execPath, ...args], { cwd: root, env })
      : spawnChild('backfill', process.execPath, args, { cwd: root, env });
    let polledKb = 0;
    const poll = useTime
      ? null
      : setInterval(() => {
          polledKb = Math.max(polledKb, vmHwmKb(child.process.pid));
        }, 50);
    let lastProgress = 0;
    child.process.stderr!.on('data', (chunk: Buffer) => {
      // The command prints progress lines on stderr (not a TTY here); pass on one every 10 s.
      if (performance.now() - lastProgress > 10_000) {
        lastProgress = performance.now();
        const line = chunk.toString('utf8').trim().split('\n').at(-1);
        if (line) log(`  ${line}`);
      }
    });
    const code = await child.exited;
    const wallMs = performance.now() - started;
    if (poll) clearInterval(poll);
    const timeText = useTime && existsSync(timeFile) ? readFileSync(timeFile, 'utf8') : '';
    const cpuSeconds = useTime
      ? Number(/User time \(seconds\): ([\d.]+)/.exec(timeText)?.[1] ?? 0) + Number(/System time \(seconds\): ([\d.]+)/.exec(timeText)?.[1] ?? 0)
      : null;
    const peakKb = useTime ? Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(existsSync(timeFile) ? readFileSync(timeFile, 'utf8') : '')?.[1] ?? 0) : polledKb;
    if (code !== 0) throw new BackfillFailed(code, wallMs, peakKb / 1024, child.output());
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as BackfillRun['report'];
    return { command: `node ${args.join(' ')}`, wallMs, peakRssMb: peakKb / 1024, peakRssSource: useTime ? TIME : '/proc VmHWM', cpuSeconds, report };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function vmHwmKb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}
