import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startBenchPostgres } from './bench-postgres.js';
import { createCorpusDatabase } from './corpus-database.js';

const pgs = await startBenchPostgres(() => {});
try {
  await createCorpusDatabase(pgs, 'c', { users: Number(process.argv[2] ?? 120), libraryUsers: 0, weeks: 52, chunkUsers: 60 }, () => {});
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/backfill.ts', '--batch-size', '500'], { env: { ...process.env, DATABASE_URL: pgs.url('c'), NODE_ENV: 'development' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let phase = 'start';
  child.stderr.on('data', (d: Buffer) => { const m = /backfill (\w+) (\d+)\//.exec(d.toString()); if (m) phase = `${m[1]} ${m[2]}`; });
  child.stdout.on('data', () => { phase = 'summary'; });
  const started = Date.now();
  let peak = 0; let at = '';
  const samples: string[] = [];
  const timer = setInterval(() => {
    try {
      const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024;
      if (rss > peak) { peak = rss; at = `${((Date.now() - started) / 1000).toFixed(1)} s, ${phase}`; }
      samples.push(`${((Date.now() - started) / 1000).toFixed(1)} ${rss.toFixed(0)} ${phase}`);
    } catch {}
  }, 100);
  await new Promise((r) => child.on('exit', r));
  clearInterval(timer);
  console.log(`peak ${peak.toFixed(0)} MB at ${at}`);
  for (const s of samples.filter((_, i) => i % 20 === 0)) console.log(s);
} finally {
  await pgs.stop();
}
