// The test bridge's `window.notarium` for a plain browser (served by server.ts, which
// prepends `const OPERATION_LIST = [...]` from the contract). Same shape as the Electron
// preload's: one named function per operation answering an Outcome envelope. The token
// comes in the page URL's fragment (never in this script, which any page could load)
// and is removed from the address bar at once.
/* global OPERATION_LIST */
(() => {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token') ?? '';
  if (token !== '') history.replaceState(null, '', location.pathname + location.search);
  const listeners = new Set();

  const unreachable = (message) => ({ ok: false, error: { code: 'INTERNAL', message } });

  async function call(operation, request, callId) {
    let response;
    try {
      response = await fetch(`/__bridge/call/${encodeURIComponent(operation)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(callId === undefined ? { request } : { request, callId }),
      });
    } catch (e) {
      return unreachable(`The test bridge is unreachable: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!response.ok || response.body === null) return unreachable(`The test bridge refused the call (HTTP ${response.status}).`);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line === '') continue;
        const message = JSON.parse(line);
        if (message.outcome !== undefined) return message.outcome;
        if (message.progress !== undefined) for (const l of listeners) l(message.progress);
      }
    }
    return unreachable('The test bridge closed the call without an answer.');
  }

  const api = {};
  for (const name of OPERATION_LIST) api[name] = (request, callId) => call(name, request, callId);
  api.onProgress = (listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  api.pathForFile = () => '';
  Object.defineProperty(window, 'notarium', { value: Object.freeze(api), writable: false, configurable: false });
})();
