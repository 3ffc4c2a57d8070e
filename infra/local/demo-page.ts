// The HTML of the demo embedding page (demo-app.ts serves it). It is written the
// way an app team would write theirs: init() with the auth type, getAuthToken
// sending the app's JWT to the token service in an Authorization header (cookieless)
// or authEndpoint on the app's own backend (cookie mode), then a LiveboardEmbed.
// What happens is listed on the page and kept on `window.demo`, which the e2e
// tier reads: this page is the one the browser tests drive.
import { DEFAULTS } from '../../functions/lib/config-rules.cjs';

export const AUTH_MODES = ['cookieless', 'cookie'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export interface DemoPageOptions {
  user: string;
  org: number;
  mode: AuthMode;
  /** The JWT's claims besides email and ts_org (region…), which a token policy reads. */
  claims: Readonly<Record<string, string>>;
  users: readonly string[];
  orgIds: readonly number[];
  /** The development JWT of `user` in `org`; only a cookieless page holds it. */
  jwt: string;
  apiUrl: string;
  thoughtSpotUrl: string;
  /** The origin this page is meant to be opened on (the one in the CORS lists). */
  origin: string;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** JSON that is safe inside a <script> element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

const options = <T extends string | number>(
  values: readonly T[],
  selected: T,
  label: (value: T) => string = String,
) =>
  values
    .map(
      (value) =>
        `<option value="${escapeHtml(String(value))}"${value === selected ? ' selected' : ''}>${escapeHtml(label(value))}</option>`,
    )
    .join('');

/** ", region=EMEA, role=…" for the JWT line. */
const claimList = (claims: Readonly<Record<string, string>>) =>
  Object.entries(claims)
    .map(([name, value]) => `, ${escapeHtml(name)}=${escapeHtml(value)}`)
    .join('');

const MODE_LABELS: Record<AuthMode, string> = {
  cookieless: 'Cookieless: getAuthToken sends the app JWT (recommended)',
  cookie: "Cookie: authEndpoint on this app's backend",
};

const STYLE = `
  body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1d2433; background: #f4f6fa; }
  main { max-width: 980px; margin: 0 auto; padding: 24px; }
  h1 { font-size: 22px; margin: 0 0 4px; }
  .lead { margin: 0 0 16px; color: #4a5568; }
  form { display: flex; gap: 16px; flex-wrap: wrap; background: #fff; padding: 12px 16px;
    border: 1px solid #d8dde6; border-radius: 8px; }
  label { display: flex; flex-direction: column; font-size: 12px; font-weight: 600; color: #4a5568; }
  select { font: inherit; margin-top: 4px; padding: 4px 6px; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 16px 0; }
  dt { font-weight: 600; color: #4a5568; } dd { margin: 0; font-family: ui-monospace, monospace; font-size: 13px; }
  .note { background: #fff8e1; border: 1px solid #f0d68a; padding: 8px 12px; border-radius: 6px; }
  ol { background: #fff; border: 1px solid #d8dde6; border-radius: 8px; padding: 12px 16px 12px 36px;
    font-family: ui-monospace, monospace; font-size: 13px; min-height: 1.5em; }
  li.good { color: #17692f; } li.bad { color: #b42318; }
  #embed { height: 260px; background: #fff; border: 2px dashed #9aa5b8; border-radius: 8px; }
  #embed iframe { border: 0; }
`;

export function renderDemoPage(page: DemoPageOptions): string {
  const config = {
    mode: page.mode,
    tokenUrl: `${page.apiUrl}/token`,
    thoughtSpotHost: page.thoughtSpotUrl,
    username: page.user,
    origin: page.origin,
    // Cookieless: the single-page app holds its JWT. Cookie mode: only the app's backend does.
    jwt: page.mode === 'cookieless' ? page.jwt : null,
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Token service demo: ${escapeHtml(page.user)} in Org ${page.org}</title>
<style>${STYLE}</style>
<script src="/sdk/tsembed.js"></script>
</head>
<body>
<main>
<h1>ThoughtSpot embedding demo</h1>
<p class="lead">An app page served by <code>npm start</code>: the real Visual Embed SDK gets a
ThoughtSpot token from the local token service for the user and Org picked here.</p>
<form method="get" action="/">
  <label>User <select name="user">${options(page.users, page.user)}</select></label>
  <label>Org <select name="org">${options(page.orgIds, page.org, (org) => `Org ${org}`)}</select></label>
  <label>Sign-in <select name="mode">${options(AUTH_MODES, page.mode, (mode) => MODE_LABELS[mode])}</select></label>
  <noscript><button>Switch</button></noscript>
</form>
<dl>
  <dt>App JWT</dt><dd>${DEFAULTS.USERNAME_CLAIM}=${escapeHtml(page.user)}, ${DEFAULTS.ORG_CLAIM}=${page.org}${claimList(page.claims)} (unsigned, for npm start only)</dd>
  <dt>Token service</dt><dd>GET ${escapeHtml(config.tokenUrl)}${page.mode === 'cookie' ? ', through /auth/token on this page&#39;s backend' : ''}</dd>
  <dt>ThoughtSpot</dt><dd>${escapeHtml(page.thoughtSpotUrl)}</dd>
</dl>
${
  page.mode === 'cookie'
    ? `<p class="note">Cookie mode needs ThoughtSpot's session cookie, a third-party cookie here: the
browser must allow those, and ThoughtSpot must be served over HTTPS. Against the plain-HTTP stand-in
of <code>npm start</code> it stops at "no session cookie", as a real cluster would; use cookieless.</p>`
    : ''
}
<ol id="log"></ol>
<div id="embed"></div>
</main>
<script>
const config = ${scriptJson(config)};
for (const select of document.querySelectorAll('form select')) {
  select.addEventListener('change', () => select.form.submit());
}
const { init, AuthType, AuthStatus, LiveboardEmbed } = window.tsembed;
const state = (window.demo = { events: [], serviceTokens: [], errors: [] });
const log = (text, kind) => {
  const item = document.createElement('li');
  item.textContent = text;
  item.className = kind || '';
  document.getElementById('log').append(item);
};

async function getAuthToken() {
  try {
    const response = await fetch(config.tokenUrl, {
      headers: { authorization: 'Bearer ' + config.jwt },
    });
    if (!response.ok) {
      throw new Error('the token service answered ' + response.status + ': ' + (await response.text()));
    }
    const token = await response.text();
    state.serviceTokens.push(token);
    log('getAuthToken: GET /token answered 200 with a token (' + token.length + ' characters)', 'good');
    return token;
  } catch (error) {
    state.errors.push(String(error));
    // A TypeError is the browser refusing the call: CORS, or nothing listening.
    const hint = error instanceof TypeError && location.origin !== config.origin
      ? ' (this origin is not in the CORS origins: open ' + config.origin + ')'
      : '';
    log('getAuthToken failed: ' + error + hint, 'bad');
    throw error;
  }
}

const auth = config.mode === 'cookie'
  ? { authType: AuthType.TrustedAuthToken, authEndpoint: '/auth/token', username: config.username }
  : { authType: AuthType.TrustedAuthTokenCookieless, getAuthToken };
const authEE = init({ thoughtSpotHost: config.thoughtSpotHost, ...auth, disableSDKTracking: true });
for (const status of [AuthStatus.SDK_SUCCESS, AuthStatus.SUCCESS, AuthStatus.FAILURE]) {
  authEE.on(status, (detail) => {
    state.events.push({ status, detail: detail ?? null });
    const who = detail && detail.userName
      ? ' ' + detail.userName + ' in Org ' + detail.currentOrgId
      : '';
    const text = status === AuthStatus.SUCCESS
      ? 'ThoughtSpot signed in' + who
      : status === AuthStatus.FAILURE ? 'the SDK gave up: ' + detail : 'the SDK is initialised';
    log(text + ' (AuthStatus.' + status + ')', status === 'FAILURE' ? 'bad' : 'good');
  });
}
new LiveboardEmbed('#embed', { liveboardId: 'demo-liveboard' }).render();
</script>
</body>
</html>`;
}
