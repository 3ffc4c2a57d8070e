// The page the ThoughtSpot stand-in serves at `/`, which is where the Visual
// Embed SDK points its iframe. It is not ThoughtSpot's app: it speaks just the
// auth part of the SDK's postMessage protocol (VESDK `embed/ts-embed.ts`), so a
// browser test (or a developer on `npm start`) sees the SDK's whole auth flow:
//   1. asks the host page for `appInit` over a MessageChannel; a cookieless
//      embed answers with the token from getAuthToken/authEndpoint;
//   2. checks it like the real app would: isactive with the bearer token, or
//      with the session cookie in cookie mode;
//   3. lists who is signed in (`/stand-in/session`): the user, the Org, the
//      token's kind and, for a custom token, the ABAC variable values and filter
//      rules ThoughtSpot received, so a developer sees a token policy at work;
//   4. posts `authInit`, after which the SDK emits AuthStatus.SUCCESS;
//   5. `window.standIn.refresh(type)` sends `RefreshAuthToken` (near expiry: the
//      SDK must fetch a new token) or `ThoughtspotAuthExpired` (after expiry: the
//      SDK re-checks its cached token and fetches a new one when it is dead).
// State is on `window.standIn` for tests to read; nothing is logged. Values may be
// any string: the page writes them only as text (textContent), never as HTML.
import { STAND_IN_SESSION_PATH } from './thoughtspot-session.js';

export const EMBEDDED_APP_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>ThoughtSpot stand-in</title></head>
<body style="font: 14px sans-serif; margin: 1em">
<p id="status">ThoughtSpot stand-in: waiting for the host page…</p>
<dl id="session" style="display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px"></dl>
<script>
(() => {
  const state = { authenticated: false, userGUID: null, tokens: [], error: null,
    session: null, sessionError: null };
  window.standIn = state;
  const show = (text) => { document.getElementById('status').textContent = 'ThoughtSpot stand-in: ' + text; };

  // A request to the host page; the SDK answers on the transferred port.
  const ask = (type) => new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => resolve(event.data || {});
    parent.postMessage({ type, data: {} }, '*', [channel.port2]);
  });
  // With the token from appInit (cookieless), else with the session cookie.
  const signedIn = (token) => token
    ? { headers: { authorization: 'Bearer ' + token }, credentials: 'omit' }
    : { credentials: 'include' };
  const check = (token) => fetch('/callosum/v1/session/isactive', signedIn(token));
  const read = (path, token) => fetch(path, signedIn(token)).then((response) => response.json());

  // One <dt>/<dd> pair, as text: a value such as "<b>" shows as those three characters.
  const row = (list, label, text) => {
    const term = document.createElement('dt');
    term.textContent = label;
    const detail = document.createElement('dd');
    detail.textContent = text;
    list.append(term, detail);
  };
  // Values as JSON, so spaces, empty strings and quotes show exactly as received.
  const listed = (values) => JSON.stringify(values);
  const showSession = (session) => {
    const list = document.getElementById('session');
    row(list, 'User', session.user.name + ' (id ' + session.user.id + ')');
    row(list, 'Org', session.org.id + ' (' + session.org.name + ')');
    const token = session.token;
    if (token.kind !== 'custom') {
      row(list, 'Token', token.kind + ' (no ABAC values)');
    } else {
      row(list, 'Token', 'custom, persist_option ' + token.persist_option);
      const variables = token.variable_values;
      if (!variables) row(list, 'variable_values', 'not sent');
      else if (variables.length === 0) row(list, 'variable_values', 'an empty list');
      for (const variable of variables || []) {
        row(list, 'variable_values', variable.name + ' = ' + listed(variable.values));
      }
      const rules = token.filter_rules;
      if (!rules) row(list, 'filter_rules', 'not sent');
      else if (rules.length === 0) row(list, 'filter_rules', 'an empty list');
      for (const rule of rules || []) {
        row(list, 'filter_rules', rule.column_name + ' ' + rule.operator + ' ' + listed(rule.values));
      }
    }
  };

  async function start() {
    const reply = await ask('appInit');
    const token = (reply.data && reply.data.authToken) || '';
    if (token) state.tokens.push(token);
    if (!(await check(token)).ok) {
      state.error = token ? 'the token from appInit is not valid' : 'no session cookie';
      show(state.error);
      return;
    }
    const info = await read('/callosum/v1/session/info', token);
    state.authenticated = true;
    state.userGUID = info.userGUID;
    show('signed in as ' + info.userName + ' in Org ' + info.currentOrgId);
    // Only shown, never needed: a failure here must not stop the sign-in.
    try {
      state.session = await read('${STAND_IN_SESSION_PATH}', token);
      showSession(state.session);
    } catch (error) {
      state.sessionError = String(error);
    }
    parent.postMessage({ type: 'authInit', data: { userGUID: info.userGUID } }, '*');
  }

  state.refresh = async (type) => {
    const reply = await ask(type || 'RefreshAuthToken');
    const token = (reply.data && reply.data.authToken) || '';
    state.tokens.push(token);
    return { token, valid: token !== '' && (await check(token)).ok };
  };

  start().catch((error) => {
    state.error = String(error);
    show(state.error);
  });
})();
</script>
</body>
</html>
`;
