import { randomBytes } from 'node:crypto';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { DEMO_USERS } from '../../seed/demo-data.js';
import { WORKOUT_SCREEN_QUERY } from './workout-screen-query.js';

export interface SandboxLandingPageOptions {
  /** The GraphQL endpoint the curl command shows; known only once the server listens, hence a function. */
  readonly endpoint: () => string;
}

const SANDBOX_SCRIPT = 'https://embeddable-sandbox.cdn.apollographql.com/v2/embeddable-sandbox.umd.production.min.js';
const DEMO_USER = DEMO_USERS.alice;

/**
 * The development landing page (GET `/` or `/graphql` in a browser): Apollo
 * Sandbox acting as a demo user with the workout screen ready to run. Sandbox
 * comes from Apollo's CDN; Apollo's own page says only "you might be offline"
 * when it cannot load, so this page shows what to send instead — the header,
 * the demo users and a curl command that works — until Sandbox has loaded,
 * and for good when the script fails or JavaScript is off.
 */
export function sandboxLandingPage<TContext extends BaseContext>(options: SandboxLandingPageOptions): ApolloServerPlugin<TContext> {
  return {
    async serverWillStart() {
      return {
        async renderLandingPage() {
          return { html: async () => landingPageHtml(options.endpoint(), randomBytes(16).toString('hex')) };
        },
      };
    },
  };
}

/** The curl command that fetches the workout screen as the demo user; shell-quoted, so it runs as shown. */
export function workoutScreenCurl(endpoint: string): string {
  // One line: a shell pastes it whole, and a reader sees the query, not a row of \n escapes.
  const body = JSON.stringify({ query: WORKOUT_SCREEN_QUERY.replace(/\s+/g, ' ').trim() });
  return [`curl -s ${shellQuote(endpoint)}`, `-H 'content-type: application/json'`, `-H 'x-user-id: ${DEMO_USER}'`, `-d ${shellQuote(body)}`].join(' \\\n  ');
}

export function landingPageHtml(endpoint: string, nonce: string): string {
  const sandboxConfig = {
    target: '#sandbox',
    initialState: { document: WORKOUT_SCREEN_QUERY, variables: {}, headers: { 'x-user-id': DEMO_USER }, includeCookies: false },
    hideCookieToggle: false,
    endpointIsEditable: false,
    // Sandbox would inject <style> tags, which the page's content security policy refuses: the styles are below.
    allowDynamicStyles: false,
  };
  const users = Object.entries(DEMO_USERS)
    .map(([name, id]) => `<tr><td>${name}</td><td><code>${id}</code></td></tr>`)
    .join('');
  const csp = [
    `script-src 'nonce-${nonce}' https://embeddable-sandbox.cdn.apollographql.com`,
    `style-src 'nonce-${nonce}' https://embeddable-sandbox.cdn.apollographql.com`,
    `frame-src https://sandbox.embed.apollographql.com`,
    `img-src 'none'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>training subgraph</title>
<style nonce="${nonce}">
  body { margin: 0; font-family: system-ui, sans-serif; line-height: 1.4; }
  main { max-width: 60em; padding: 1em 2em; }
  pre { background: #f4f4f4; padding: 0.75em; overflow-x: auto; }
  #curl { white-space: pre-wrap; overflow-wrap: anywhere; }
  td { padding: 0 1em 0 0; }
  #sandbox { width: 100vw; height: 100vh; }
  #sandbox iframe { width: 100%; height: 100%; border: none; background: white; }
</style>
</head>
<body>
<div id="sandbox" hidden></div>
<main id="fallback">
<h1>training subgraph</h1>
<p id="status">Loading Apollo Sandbox from Apollo's CDN… If it does not appear, this browser cannot reach the CDN (offline?): send requests yourself, as below.</p>
<noscript><p>JavaScript is off, so Sandbox cannot run here: send requests yourself, as below.</p></noscript>
<p>Send <code>POST ${escapeHtml(endpoint)}</code> with <code>content-type: application/json</code>, a JSON body <code>{"query": "…", "variables": {…}}</code>,
and the header <code>x-user-id</code> with the id (a UUID) of the user to act as. The demo users:</p>
<table>${users}</table>
<p>The workout screen as alice, with curl:</p>
<pre id="curl">${escapeHtml(workoutScreenCurl(endpoint))}</pre>
<p>The query:</p>
<pre id="query">${escapeHtml(WORKOUT_SCREEN_QUERY)}</pre>
</main>
<script nonce="${nonce}">
(function () {
  var config = ${scriptJson(sandboxConfig)};
  var endpoint = window.location.origin + '/graphql';
  var shown = ${scriptJson(endpoint)};
  var curl = document.getElementById('curl');
  if (endpoint !== shown) curl.textContent = curl.textContent.split(shown).join(endpoint);
  var script = document.createElement('script');
  script.src = ${scriptJson(SANDBOX_SCRIPT)};
  script.onload = function () {
    document.getElementById('fallback').hidden = true;
    document.getElementById('sandbox').hidden = false;
    config.initialEndpoint = endpoint;
    new window.EmbeddedSandbox(config);
  };
  script.onerror = function () {
    document.getElementById('status').textContent = "Apollo Sandbox could not be loaded from Apollo's CDN (this browser seems to be offline): send requests yourself, as below.";
  };
  document.head.appendChild(script);
})();
</script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** JSON inside a <script>: `<`, `>`, `&` and the JS line separators escaped, so no value can end the script early. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
