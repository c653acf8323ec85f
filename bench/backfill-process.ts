import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnChild } from './child-processes.js';

/**
 * Runs the operator command `tsx src/cli/backfill.ts` as a child process on
 * `url` and measures it from outside: wall time and peak resident memory.
 * Peak RSS comes from `/usr/bin/time -v` where installed (it reports the
 * largest of the process tree it waited for, tsx's node included); otherwise
 * the backfill runs as one `node --import tsx` process whose VmHWM is polled.
 */
export interface BackfillRun {
  readonly wallMs: number;
  readonly peakRssMb: number;
  readonly peakRssSource: '/usr/bin/time' | '/proc VmHWM';
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

const TIME = '/usr/bin/time';

export async function runBackfillProcess(root: string, url: string, batchSize: number, log: (line: string) => void): Promise<BackfillRun> {
  const dir = mkdtempSync(join(tmpdir(), 'training-bench-backfill-'));
  const reportFile = join(dir, 'report.json');
  const timeFile = join(dir, 'time.txt');
  const tsx = join(root, 'node_modules', '.bin', 'tsx');
  const args = ['src/cli/backfill.ts', '--batch-size', String(batchSize), '--report', reportFile];
  const useTime = existsSync(TIME);
  const env = { ...process.env, DATABASE_URL: url, NODE_ENV: 'development', LOG_LEVEL: 'silent' };
  try {
    const started = performance.now();
    const child = useTime
      ? spawnChild('backfill', TIME, ['-v', '-o', timeFile, tsx, ...args], { cwd: root, env })
      : spawnChild('backfill', process.execPath, ['--import', 'tsx', ...args], { cwd: root, env });
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
    if (code !== 0) throw new Error(`backfill exited with code ${code}:\n${child.output()}`);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as BackfillRun['report'];
    const peakKb = useTime ? Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(timeFile, 'utf8'))?.[1] ?? 0) : polledKb;
    return { wallMs, peakRssMb: peakKb / 1024, peakRssSource: useTime ? TIME : '/proc VmHWM', report };
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
