import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pacedRound, stallsOf } from '../../bench/paced-load.js';
import { exposeGc } from '../support/expose-gc.js';

/**
 * The bench's half-load latency (`bench/paced-load.ts`) measures each request
 * from the instant it was due, not from when a free connection sent it: a
 * server that stalls delays every request due during the stall, and all of
 * them count (no coordinated omission). A local server that holds one request
 * shows it: with one connection the requests due meanwhile wait in the client,
 * and measured from their sending they would look instant.
 */
const HOLD_MS = 400;
let server: Server;
let url: string;
let received = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    const n = ++received;
    req.resume();
    req.on('end', () => {
      const answer = () => {
        // Every tenth request answers with GraphQL errors: a failure, as the autocannon rounds count it.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(n % 10 === 0 ? '{"errors":[{"message":"no"}]}' : '{"data":{}}');
      };
      if (n === 5) setTimeout(answer, HOLD_MS);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(async () => new Promise((resolve) => server.close(resolve)));

it('counts a stall for every request it delayed, from the instant each was due', async () => {
  received = 0;
  const figures = await pacedRound({ url, variants: [{ headers: { 'content-type': 'application/json' }, body: '{}' }] }, { rate: 100, seconds: 3, maxConnections: 1 });
  expect(figures.requests).toBe(300);
  expect(received).toBe(300);
  expect(figures.failures).toBe(30);
  // The held request and the ~40 due while it was held (one every 10 ms) waited up to HOLD_MS: far more than 1% of 300.
  // Measured from their sending, only the held one would be slow, and the p99 (the third slowest) a few ms.
  expect(figures.maxMs).toBeGreaterThanOrEqual(HOLD_MS - 10);
  expect(figures.p99Ms).toBeGreaterThanOrEqual(HOLD_MS / 2);
  // Most requests were not delayed by it.
  expect(figures.p50Ms).toBeLessThan(HOLD_MS / 4);
  // And the round says where: a stall from the held request (the fifth, due 40 ms in), of the requests over 100 ms.
  // On a busy machine the catch-up after it can leave a request or two just over 100 ms of their own: nothing more.
  const stall = figures.stalls.find((s) => s.maxMs === figures.maxMs);
  expect(stall).toBeDefined();
  expect(stall!.requests).toBeGreaterThanOrEqual(25);
  expect(stall!.requests).toBeLessThanOrEqual(45);
  expect(Date.parse(stall!.at)).toBeLessThan(Date.now());
  const others = figures.stalls.filter((s) => s !== stall);
  expect(others.reduce((n, s) => n + s.requests, 0)).toBeLessThanOrEqual(3);
});

it("counts the loader's own full collections, whose pauses count against the server", async () => {
  const gc = exposeGc();
  received = 0;
  const target = { url, variants: [{ headers: { 'content-type': 'application/json' }, body: '{}' }] };
  const quiet = await pacedRound(target, { rate: 50, seconds: 1, maxConnections: 4 });
  // Three forced full collections while the round runs (each one of the loader's own, as V8's heuristics start them).
  const forced = [200, 400, 600].map((ms) => setTimeout(gc, ms));
  const busy = await pacedRound(target, { rate: 50, seconds: 1, maxConnections: 4 });
  forced.forEach(clearTimeout);
  expect(busy.loaderFullCollections - quiet.loaderFullCollections).toBeGreaterThanOrEqual(3);
  expect(busy.loaderFullCollectionMs).toBeGreaterThan(0);
});

it('keeps the worst stalls of a round, in the order they happened', () => {
  const latencies = [1, 150, 120, 2, 500, 3, 110, 1, 300, 200, 900, 1, 130, 1, 101];
  const stalls = stallsOf(latencies, (i) => `t${i}`);
  // Runs: t1 (2 requests, worst 150), t4 (500), t6 (110), t8 (3, 900), t12 (130), t14 (101): the five worst drop t14's.
  expect(stalls).toEqual([
    { at: 't1', requests: 2, maxMs: 150 },
    { at: 't4', requests: 1, maxMs: 500 },
    { at: 't6', requests: 1, maxMs: 110 },
    { at: 't8', requests: 3, maxMs: 900 },
    { at: 't12', requests: 1, maxMs: 130 },
  ]);
});
