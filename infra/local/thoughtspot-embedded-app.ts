// The page the ThoughtSpot stand-in serves at `/`, which is where the Visual
// Embed SDK points its iframe. It is not ThoughtSpot's app: it speaks just the
// auth part of the SDK's postMessage protocol (VESDK `embed/ts-embed.ts`), so a
// browser test (or a developer on `npm start`) sees the SDK's whole auth flow:
//   1. asks the host page for `appInit` over a MessageChannel; a cookieless
//      embed answers with the token from getAuthToken/authEndpoint;
//   2. checks it like the real app would: isactive with the bearer token, or
//      with the session cookie in cookie mode;
//   3. posts `authInit`, after which the SDK emits AuthStatus.SUCCESS;
//   4. `window.standIn.refresh(type)` sends `RefreshAuthToken` (near expiry: the
//      SDK must fetch a new token) or `ThoughtspotAuthExpired` (after expiry: the
//      SDK re-checks its cached token and fetches a new one when it is dead).
// State is on `window.standIn` for tests to read; nothing is logged.

export const EMBEDDED_APP_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>ThoughtSpot stand-in</title></head>
<body style="font: 14px sans-serif; margin: 1em">
<p id="status">ThoughtSpot stand-in: waiting for the host page…</p>
<script>
(() => {
  const state = { authenticated: false, userGUID: null, tokens: [], error: null };
  window.standIn = state;
  const show = (text) => { document.getElementById('status').textContent = 'ThoughtSpot stand-in: ' + text; };

  // A request to the host page; the SDK answers on the transferred port.
  const ask = (type) => new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => resolve(event.data || {});
    parent.postMessage({ type, data: {} }, '*', [channel.port2]);
  });
  const check = (token) => fetch('/callosum/v1/session/isactive', token
    ? { headers: { authorization: 'Bearer ' + token }, credentials: 'omit' }
    : { credentials: 'include' });
  const sessionInfo = (token) => fetch('/callosum/v1/session/info', token
    ? { headers: { authorization: 'Bearer ' + token }, credentials: 'omit' }
    : { credentials: 'include' }).then((response) => response.json());

  async function start() {
    const reply = await ask('appInit');
    const token = (reply.data && reply.data.authToken) || '';
    if (token) state.tokens.push(token);
    if (!(await check(token)).ok) {
      state.error = token ? 'the token from appInit is not valid' : 'no session cookie';
      show(state.error);
      return;
    }
    const info = await sessionInfo(token);
    state.authenticated = true;
    state.userGUID = info.userGUID;
    show('signed in as ' + info.userName + ' in Org ' + info.currentOrgId);
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
