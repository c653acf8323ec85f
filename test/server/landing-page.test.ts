import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DEMO_USERS } from '../../src/seed/demo-data.js';
import { seedIfEmpty } from '../../src/seed/seed-if-empty.js';
import { WORKOUT_SCREEN_QUERY } from '../../src/server/landing-page/workout-screen-query.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const run = promisify(execFile);

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await seedIfEmpty(t.db.adminUrl);
});
afterAll(() => t.close());

async function landingPage(app: TestApp, path = ''): Promise<{ status: number; type: string | null; html: string }> {
  const response = await fetch(`${app.app.url}${path}`, { headers: { accept: 'text/html' } });
  return { status: response.status, type: response.headers.get('content-type'), html: await response.text() };
}

function unescapeHtml(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/** The text of `<pre id="…">`, as a browser shows it. */
function preText(html: string, id: string): string {
  const match = new RegExp(`<pre id="${id}">([\\s\\S]*?)</pre>`).exec(html);
  if (!match) throw new Error(`no <pre id="${id}"> in the page`);
  return unescapeHtml(match[1]!);
}

describe('the landing page outside production', () => {
  it('opens Sandbox as a demo user with the workout screen, and says what to send without it', async () => {
    const page = await landingPage(t);
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/text\/html/);
    expect(page.html).toContain('https://embeddable-sandbox.cdn.apollographql.com/');
    // Sandbox's initial state: the demo user's header and the query, as script data.
    expect(page.html).toContain(`"headers":{"x-user-id":"${DEMO_USERS.alice}"}`);
    expect(page.html).toContain(`"document":${JSON.stringify(WORKOUT_SCREEN_QUERY)}`);
    // The fallback, in the page itself: readable offline and without JavaScript.
    expect(page.html).toContain('<noscript>');
    for (const id of Object.values(DEMO_USERS)) expect(page.html).toContain(id);
    expect(preText(page.html, 'query')).toBe(WORKOUT_SCREEN_QUERY);
    expect(preText(page.html, 'curl')).toContain(`x-user-id: ${DEMO_USERS.alice}`);
  });

  it("shows a curl command that, run as shown, answers with the demo user's workout screen", async () => {
    const command = preText((await landingPage(t)).html, 'curl');
    expect(command).toContain(`${t.app.url}graphql`);
    const { stdout } = await run('bash', ['-c', command]);
    const body = JSON.parse(stdout) as { data?: { activeProgram: { name: string; workouts: { exercises: { lastPerformance: unknown }[] }[] } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data?.activeProgram.name).toBe('Upper/Lower 4-Day');
    expect(body.data?.activeProgram.workouts.flatMap((w) => w.exercises).some((e) => e.lastPerformance !== null)).toBe(true);
  });

  it('is the same page at /graphql', async () => {
    expect(preText((await landingPage(t, 'graphql')).html, 'curl')).toBe(preText((await landingPage(t)).html, 'curl'));
  });
});

describe('the landing page in production', () => {
  it('shows no demo user and no curl', async () => {
    const prod = await startTestApp({ NODE_ENV: 'production', AUTH_MODE: 'dev-header', ALLOW_DEV_HEADER_IN_PRODUCTION: 'on' });
    try {
      const page = await landingPage(prod);
      expect(page.html).not.toContain(DEMO_USERS.alice);
      expect(page.html).not.toContain('id="curl"');
    } finally {
      await prod.close();
    }
  });
});
