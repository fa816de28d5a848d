// The Lifeline demo page: one WebSocket back to the server that served it, its state shown as it changes.
//
// Round trips are measured with the server's app-level ping (see docs/cli.md): every 2 s while OPEN the page sends
// {"lifeline":"ping","t":<performance.now()>}; the server answers this page alone with the same object and
// "pong", in echo and chat mode alike. "Drop" sends {"lifeline":"drop"}, on which the server drops the TCP
// connection without a closing handshake: the browser then reports 1006. "Ask" sends {"lifeline":"close",...}: the
// server closes first, with that code and reason, after the delay, while the page sends nothing.
//
// A connection that ended is told as Lifeline's ConnectionClosedException tells it: who closed first and both
// Close frames. The browser answers a server's Close with its own, echoing the code and reason (RFC 6455 §5.5.1;
// Chromium does, and DemoPageBrowserIT checks the server's log for it). A send that is not possible shows what a
// Lifeline client's send() would throw, and the text stays in the field.
//
// In plain mode, "reconnect automatically" follows the Java clients' policy (reconnect.js): state RECONNECTING,
// the attempt and its delay, giving up on what is not worth retrying.
//
// When the server runs with --reliable (its /healthz says "reliable":true), the page speaks lifeline.reliable.v1
// through reliable.js instead: one session across connections. Drop then costs a reconnect and a resume, what is
// typed meanwhile is queued and sent after the resume, each message arrives once, and a sent message gets its ✓
// when the server acknowledges it; the round trip shown is from a send to its acknowledgement.
//
// The reliable session is kept in this browser (indexeddb-store.js): a reload of the page resumes it (RESUMED), the
// messages typed before the reload and not acknowledged yet are shown again as pending and sent after the resume,
// and the received messages shown are saved in the same IndexedDB transaction as their handling, so that each is
// shown once across reloads. A second tab of the page gets a session of its own, not kept, and says so. "Forget"
// ends the kept session and deletes it; a reload after the server's resume window says that the session expired.
import { ReliableClient, SUBPROTOCOL } from './reliable.js';
import { IndexedDbStore } from './indexeddb-store.js';
import { decide } from './reconnect.js';

const PING_EVERY_MS = 2000;
const MAX_LOG_ENTRIES = 500;
const STATES = ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'];
const CLOSE_CODES = {
  1000: 'normal', 1001: 'going away', 1002: 'protocol error', 1003: 'unsupported data',
  1005: 'no status received', 1006: 'abnormal closure', 1007: 'invalid payload', 1008: 'policy violation',
  1009: 'message too big', 1010: 'mandatory extension', 1011: 'internal error', 1012: 'service restart',
  1013: 'try again later', 1014: 'bad gateway', 1015: 'TLS handshake failure',
};
/** Both Close frames among these: a Lifeline client throws ConnectionClosedOkException; else ...ErrorException. */
const OK_CODES = new Set([1000, 1001, 1005]);
const WHERE = {
  CONNECTING: 'connecting to', OPEN: 'connected to', CLOSING: 'closing the connection to',
  RECONNECTING: 'reconnecting to', CLOSED: 'disconnected from',
};

const $ = (id) => document.getElementById(id);
const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/';

let chat = false;
let conn = null;      // plain mode: {socket, opened, sentClose: {code, reason} once the page closes, ended}
let retry = null;     // plain mode, while RECONNECTING: {attempt, at, timer}; timer null while the attempt connects
let failures = 0;     // plain mode: failures in a row since a connection last opened
let reliable = null;  // the ReliableClient, in reliable mode
let store;            // reliable mode: where the session is kept in this browser; null when not kept (another tab)
let shown = [];       // reliable mode, kept: the received messages shown, {text, from}, saved with their handling
let lastEnded = null; // plain mode: how the last connection that opened ended
let sessionEnd = '';  // reliable mode: how the session ended
let pingTimer = null;
let retryTicker = null;
let sent = 0;
let received = 0;
const mine = [];      // chat mode: texts this page sent whose copy has not come back yet, in order

function showState(state) {
  for (const element of [$('state'), $('header-state')]) {
    element.textContent = state;
    element.dataset.state = state;
  }
  $('where').textContent = WHERE[state];
  document.title = `Lifeline demo · ${state}`;
  const open = state === 'OPEN';
  $('close').disabled = !open && !(state === 'RECONNECTING' && !reliable);
  $('drop').disabled = !open;
  $('ask-close').disabled = !open;
  if (!open) $('latency').textContent = '–';
}

function plainState() {
  if (retry) return 'RECONNECTING';
  return conn ? STATES[conn.socket.readyState] : 'CLOSED';
}

function log(kind, text, from) {
  const item = document.createElement('li');
  item.className = kind;
  const time = document.createElement('span');
  time.className = 'time';
  time.textContent = new Date().toLocaleTimeString();
  const arrow = document.createElement('span');
  arrow.className = 'arrow';
  arrow.textContent = { sent: '↑', received: '↓', error: '!' }[kind] || '·';
  const body = document.createElement('span');
  body.className = 'body';
  if (from) {
    const who = document.createElement('span');
    who.className = 'from';
    who.textContent = from;
    body.append(who);
  }
  const content = document.createElement('span');
  content.className = 'text';
  content.textContent = text;
  body.append(content);
  item.append(time, arrow, body);
  const list = $('log');
  list.append(item);
  while (list.children.length > MAX_LOG_ENTRIES) {
    list.firstElementChild.remove();
  }
  list.scrollTop = list.scrollHeight;
  return item;
}

/** A close status as Lifeline prints it: 4000 (private use) "bye". */
function status(code, reason) {
  const name = CLOSE_CODES[code] || (code >= 4000 && code <= 4999 ? 'private use'
    : code >= 3000 && code <= 3999 ? 'registered' : 'unknown');
  return `${code} (${name})${reason ? ` "${reason}"` : ''}`;
}

function describeClose(event) {
  return status(event.code, event.reason) + (event.code === 1006 ? ', without a closing handshake' : '');
}

/** How a connection ended, with its Close frames in their order, as ConnectionClosedException.getMessage(). */
function ending(c, event) {
  const received = event.code === 1006 ? null : { code: event.code, reason: event.reason };
  const serverFirst = received !== null && c.sentClose === null;
  const answer = serverFirst ? received : c.sentClose; // the browser echoes the server's Close
  const r = received && status(received.code, received.reason);
  const s = answer && status(answer.code, answer.reason);
  let frames = 'no close frame received or sent';
  if (s && r) frames = serverFirst ? `received ${r}; then sent ${s}` : `sent ${s}; then received ${r}`;
  else if (s) frames = `sent ${s}; no close frame received`;
  const ok = Boolean(s && r) && OK_CODES.has(answer.code) && OK_CODES.has(received.code);
  return {
    frames,
    who: serverFirst ? 'the server closed first' : c.sentClose ? 'the page closed first'
      : 'dropped without a closing handshake',
    exception: ok ? 'ConnectionClosedOkException' : 'ConnectionClosedErrorException',
  };
}

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
}

function sendPing() {
  if (conn && conn.socket.readyState === WebSocket.OPEN) {
    conn.socket.send(JSON.stringify({ lifeline: 'ping', t: performance.now() }));
  }
}

function pongOf(text) {
  if (!text.startsWith('{"lifeline":"pong"')) {
    return null;
  }
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Shows a received message; returns what it showed: {text, from}. */
function receivedMessage(data) {
  let from;
  if (chat && typeof data === 'string') {
    const at = mine.indexOf(data); // the server keeps this page's order: earlier ones it did not send back are gone
    from = at >= 0 ? 'you' : 'another client';
    if (at >= 0) mine.splice(0, at + 1);
  }
  const text = typeof data === 'string' ? data : `(binary, ${data.byteLength} bytes) ${hex(data)}`;
  log('received', text, from);
  $('received-count').textContent = ++received;
  return { text, from };
}

// ------------------------------------------------------------------ plain mode

function connect() {
  const c = { socket: new WebSocket(url), opened: false, sentClose: null, ended: null };
  conn = c;
  const socket = c.socket;
  socket.binaryType = 'arraybuffer';
  mine.length = 0;
  $('close-info').textContent = '';
  showState(plainState());
  showRetry();
  log('event', `connecting to ${url}` + (retry ? ` (attempt ${retry.attempt})` : ''));

  socket.addEventListener('open', () => {
    if (c !== conn) return;
    c.opened = true;
    const again = retry ? ` again after ${retry.attempt} attempt${retry.attempt === 1 ? '' : 's'}` : '';
    retry = null;
    failures = 0;
    showState(plainState());
    showRetry();
    log('event', `connection is OPEN${again}` + (socket.extensions ? `, extensions ${socket.extensions}` : ''));
    sendPing();
    pingTimer = setInterval(sendPing, PING_EVERY_MS);
  });

  socket.addEventListener('message', (event) => {
    if (c !== conn) return;
    if (typeof event.data === 'string') {
      const pong = pongOf(event.data);
      if (pong && typeof pong.t === 'number') {
        $('latency').textContent = `${(performance.now() - pong.t).toFixed(1)} ms`;
        return;
      }
    }
    receivedMessage(event.data);
  });

  socket.addEventListener('close', (event) => {
    if (c !== conn) return;
    clearInterval(pingTimer);
    if (!c.opened) {
      $('close-info').textContent = 'could not connect';
      log('event', `could not connect to ${url}: refused, unreachable, or the handshake was refused`
        + ' (a browser does not say which)');
      lost(c, { opened: false });
      return;
    }
    c.ended = ending(c, event);
    lastEnded = c.ended;
    $('close-info').textContent = describeClose(event) + (event.code === 1006 ? '' : `; ${c.ended.who}`);
    log('event', `connection is CLOSED: ${c.ended.who}: ${c.ended.frames}`);
    lost(c, { opened: true, code: event.code });
  });
}

/** After a connection ended or could not be made: reconnects as the Java clients' policy says, if asked to. */
function lost(c, failure) {
  if (!$('auto-reconnect').checked || c.sentClose) {
    showState(plainState());
    return;
  }
  if (failure.opened && failure.code === 1000) {
    log('event', 'not reconnecting: the server ended the connection with 1000 (normal), as the Java clients see it');
    showState(plainState());
    return;
  }
  failures++;
  const decision = decide(failure, failures);
  if (!decision.retry) {
    retry = null;
    log('event', `gave up: ${status(failure.code, '')} is ${decision.reason}`
      + ` (${failures} attempt${failures === 1 ? '' : 's'})`);
    $('retry-info').textContent = `gave up: ${failure.code} is ${decision.reason}`;
    showState(plainState());
    return;
  }
  retry = { attempt: failures, at: performance.now() + decision.delay, timer: setTimeout(attempt, decision.delay) };
  log('event', `RECONNECTING: attempt ${failures} in ${seconds(decision.delay)}` + (failures === 1
    ? ', a random delay in [0 s, 5 s)' : ', backoff 1 s × 2^(attempt - 2), at most 60 s, less up to half'));
  showState(plainState());
  showRetry();
}

function attempt() {
  retry.timer = null;
  connect();
}

function stopReconnecting(why) {
  clearTimeout(retry.timer);
  retry = null;
  if (conn && conn.socket.readyState <= WebSocket.OPEN) { // an attempt connecting: its end is not told
    conn.socket.close(1000, why);
    conn = null;
  }
  log('event', `stopped reconnecting: ${why}`);
  showState(plainState());
  showRetry();
}

/** The attempt and the time left before it, while RECONNECTING. */
function showRetry() {
  clearInterval(retryTicker);
  if (!retry) {
    $('retry-info').textContent = '';
    return;
  }
  const show = () => {
    $('retry-info').textContent = retry.timer === null ? `attempt ${retry.attempt}: connecting`
      : `attempt ${retry.attempt} in ${seconds(Math.max(0, retry.at - performance.now()))}`;
  };
  show();
  retryTicker = setInterval(() => (retry ? show() : clearInterval(retryTicker)), 100);
}

/** Why a send is not possible now: what a Lifeline client's send() would throw. */
function refusal(state) {
  if (state === 'CONNECTING') return 'the connection is still CONNECTING (a Lifeline client\'s connect() returns once'
    + ' it is OPEN)';
  if (state === 'RECONNECTING') return 'the client is RECONNECTING: a Lifeline ReconnectingWebSocket\'s send() throws'
    + ' ReconnectingException at once rather than lose the message';
  if (conn && conn.opened) {
    const ended = conn.ended || ending(conn, { code: 1006, reason: '' });
    return `a Lifeline client's send() would throw ${ended.exception}: ${ended.frames}`;
  }
  return 'there is no connection: ' + (lastEnded ? `the last one ended: ${lastEnded.frames}` : 'could not connect');
}

function sendPlain(text) {
  const state = plainState();
  if (state !== 'OPEN') {
    log('error', `not sent: ${refusal(state)}`);
    return false;
  }
  conn.socket.send(text);
  if (chat) mine.push(text);
  log('sent', text);
  return true;
}

// ------------------------------------------------------------------ reliable mode

/** The IndexedDB store of this page's session, or null (said on the page) when this tab cannot keep it. */
async function keepSession() {
  try {
    const kept = await IndexedDbStore.open(url);
    $('kept').textContent = 'session kept in this browser (IndexedDB): a reload resumes it';
    $('forget').hidden = false;
    return kept;
  } catch (e) {
    $('kept').textContent = `session not kept in this browser: ${e.message}; this tab has a session of its own`;
    log('event', `this tab's session is not kept: ${e.message}`);
    return null;
  }
}

async function startReliable() {
  $('kept').hidden = false;
  if (store === undefined) store = await keepSession();
  const client = new ReliableClient(url, { store });
  reliable = client;
  $('latency-note').textContent = 'from a send to its acknowledgement';
  $('close-info').textContent = '';
  client.onstate = (state, info) => {
    if (client !== reliable) return;
    showState(state);
    if (state === 'OPEN') {
      const what = info.outcome === 'RESUMED' ? 'session RESUMED'
        : info.replaced ? 'session expired: NEW session' : 'NEW session';
      const lost = info.unacknowledged.filter((payload) => !isControl(payload)).length;
      $('close-info').textContent = what;
      log('event', what + (info.replaced ? ': the server no longer had the session (its resume window passed, or it'
        + ' restarted)' : '') + (lost ? `; ${lost} message${lost === 1 ? ' was' : 's were'} not acknowledged` : ''));
    } else if (state === 'RECONNECTING') {
      const how = describeClose(info);
      $('close-info').textContent = `connection lost: ${how}`;
      log('event', `session is RECONNECTING: connection lost with ${how}; next attempt in`
        + ` ${(info.delay / 1000).toFixed(1)} s`);
    } else if (state === 'CLOSED') {
      sessionEnd = describeClose(info);
      $('close-info').textContent = sessionEnd;
      log('event', `session is CLOSED: ${sessionEnd}`);
    }
  };
  client.onmessage = (data) => {
    const line = receivedMessage(data);
    if (!store) return;
    shown.push(line);
    shown = shown.slice(-MAX_LOG_ENTRIES);
    client.save('received', shown); // one transaction with this message's handling: shown once across reloads
  };
  showState(client.state);
  log('event', `connecting to ${url} (${SUBPROTOCOL})`);
  const { restored, saved } = await client.connect();
  if (client !== reliable) return;
  shown = saved.get('received') || [];
  if (shown.length) {
    const list = $('log');
    const before = Array.from(list.children);
    for (const line of shown) log('received', line.text, line.from);
    $('received-count').textContent = received += shown.length;
    list.append(...before); // what was received before the reload comes first
  }
  const typed = restored.filter(({ payload }) => !isControl(payload)); // a Drop, say: not shown as typed
  for (const { payload, acknowledged } of typed) {
    const item = log('sent', `${payload} (typed before the reload)`);
    item.classList.add('kept');
    if (chat) mine.push(payload);
    track(item, acknowledged, true);
  }
  if (typed.length) log('event', `${typed.length} message${typed.length === 1 ? '' : 's'} typed before the`
    + ' reload and not acknowledged: sent again once the session is RESUMED');
}

/** Marks a sent message's line: kept in this browser, then ✓ when acknowledged, or struck out. */
function track(item, sending, queued) {
  const start = performance.now();
  if (sending.persisted && store) sending.persisted.then(() => item.classList.add('kept'));
  sending.then(() => {
    item.classList.add('acked');
    if (!queued) $('latency').textContent = `${(performance.now() - start).toFixed(1)} ms`;
  }, (error) => {
    item.classList.add('failed');
    log('event', `not acknowledged: ${error.message}`);
  });
}

function sendReliable(text) {
  if (reliable.state === 'CLOSED') {
    log('error', `not sent: a Lifeline ReliableClient's send() would throw SessionClosedException: the session is`
      + ` CLOSED (${sessionEnd})`);
    return false;
  }
  const queued = reliable.state !== 'OPEN';
  const item = log('sent', queued ? `${text} (queued until the session is back)` : text);
  if (chat) mine.push(text);
  track(item, reliable.send(text), queued);
  return true;
}

// ------------------------------------------------------------------ controls

/** A control message for the server (see control()), not a message typed on the page. */
function isControl(payload) {
  return typeof payload === 'string' && payload.startsWith('{"lifeline":');
}

/** Sends a control message to the server, in either mode. */
function control(message) {
  const text = JSON.stringify(message);
  if (reliable) {
    reliable.send(text).catch(() => {});
  } else {
    conn.socket.send(text);
  }
}

$('send-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $('message');
  if (!(reliable ? sendReliable(input.value) : sendPlain(input.value))) return; // the text stays in the field
  $('sent-count').textContent = ++sent;
  input.value = '';
  input.focus();
});

$('close').addEventListener('click', () => {
  if (reliable) {
    reliable.close();
    log('event', 'ending the session: waiting for acknowledgements, then closing with 1000');
    return;
  }
  if (retry) {
    stopReconnecting('closed from the page');
    return;
  }
  conn.sentClose = { code: 1000, reason: 'closed from the page' };
  conn.socket.close(1000, 'closed from the page');
  showState(plainState());
  log('event', 'closing with 1000');
});

$('drop').addEventListener('click', () => {
  control({ lifeline: 'drop' });
  log('event', 'asked the server to drop the connection');
});

$('close-request').addEventListener('submit', (event) => {
  event.preventDefault();
  const code = Number($('close-code').value);
  const reason = $('close-reason').value;
  const delay = Math.round(Number($('close-delay').value) * 1000);
  control({ lifeline: 'close', code, reason, delay });
  clearInterval(pingTimer); // nothing more from the page until the server closes
  log('event', `asked the server to close with ${status(code, reason)} ${delay ? `in ${seconds(delay)}` : 'now'};`
    + ' the page now sends nothing');
});

$('reconnect').addEventListener('click', async () => {
  if (reliable) {
    if (reliable.state !== 'CLOSED') {
      log('event', 'ending the session to start a new one');
      await reliable.close(); // and the store forgets it, before the next session reads the store
    }
    startReliable();
    return;
  }
  if (conn && conn.socket.readyState <= WebSocket.OPEN) {
    clearInterval(pingTimer);
    conn.sentClose = { code: 1000, reason: 'reconnecting' };
    conn.socket.close(1000, 'reconnecting');
    if (conn.opened) log('event', 'closed with 1000 to reconnect');
  }
  if (retry) {
    clearTimeout(retry.timer); // the next attempt, now
    retry.timer = null;
  } else {
    failures = 0;
  }
  connect();
});

$('forget').addEventListener('click', async () => {
  log('event', 'forgetting the session kept in this browser: ending it, then deleting what is kept');
  if (reliable.state !== 'CLOSED') await reliable.close();
  await store.forget();
  shown = [];
  log('event', 'forgot the session kept in this browser');
  startReliable();
});

$('auto-reconnect').addEventListener('change', (event) => {
  if (!event.target.checked && retry) stopReconnecting('automatic reconnection turned off');
});

$('url').textContent = url;
fetch('/healthz')
  .then((response) => response.json())
  .catch(() => ({ mode: 'unknown', reliable: false }))
  .then((health) => {
    chat = health.mode === 'chat';
    $('mode').textContent = `${health.mode} mode${health.reliable ? ', reliable sessions' : ''}`;
    if (health.reliable) {
      $('auto-reconnect-label').hidden = true; // a reliable session always reconnects
      startReliable();
    } else {
      connect();
    }
  });
