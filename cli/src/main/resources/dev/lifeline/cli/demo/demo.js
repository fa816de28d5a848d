// The Lifeline demo page: one WebSocket back to the server that served it, its state shown as it changes.
//
// Round trips are measured with the server's app-level ping (see docs/cli.md): every 2 s while OPEN the page sends
// {"lifeline":"ping","t":<performance.now()>}; the server answers this page alone with the same object and
// "pong", in echo and chat mode alike. "Drop" sends {"lifeline":"drop"}, on which the server drops the TCP
// connection without a closing handshake: the browser then reports 1006.
//
// When the server runs with --reliable (its /healthz says "reliable":true), the page speaks lifeline.reliable.v1
// through reliable.js instead: one session across connections. Drop then costs a reconnect and a resume, what is
// typed meanwhile is queued and sent after the resume, each message arrives once, and a sent message gets its ✓
// when the server acknowledges it; the round trip shown is from a send to its acknowledgement.
import { ReliableClient, SUBPROTOCOL } from './reliable.js';

const PING_EVERY_MS = 2000;
const MAX_LOG_ENTRIES = 500;
const STATES = ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'];
const CLOSE_CODES = {
  1000: 'normal', 1001: 'going away', 1002: 'protocol error', 1003: 'unsupported data',
  1005: 'no status received', 1006: 'abnormal closure', 1007: 'invalid payload', 1008: 'policy violation',
  1009: 'message too big', 1010: 'mandatory extension', 1011: 'internal error', 1012: 'service restart',
  1013: 'try again later', 1014: 'bad gateway', 1015: 'TLS handshake failure',
};

const $ = (id) => document.getElementById(id);
const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/';

let ws = null;
let reliable = null; // the ReliableClient, in reliable mode
let pingTimer = null;
let sent = 0;
let received = 0;

function showState() {
  const state = ws ? STATES[ws.readyState] : 'CLOSED';
  $('state').textContent = state;
  $('state').dataset.state = state;
  const open = state === 'OPEN';
  $('send').disabled = !open;
  $('close').disabled = !open;
  $('drop').disabled = !open;
}

function log(kind, text) {
  const item = document.createElement('li');
  item.className = kind;
  const time = document.createElement('span');
  time.className = 'time';
  time.textContent = new Date().toLocaleTimeString();
  const arrow = document.createElement('span');
  arrow.className = 'arrow';
  arrow.textContent = kind === 'sent' ? '↑' : kind === 'received' ? '↓' : '·';
  const body = document.createElement('span');
  body.className = 'text';
  body.textContent = text;
  item.append(time, arrow, body);
  const list = $('log');
  list.append(item);
  while (list.children.length > MAX_LOG_ENTRIES) {
    list.firstElementChild.remove();
  }
  list.scrollTop = list.scrollHeight;
  return item;
}

function describeClose(event) {
  const name = CLOSE_CODES[event.code] || (event.code >= 4000 ? 'private use' : 'unknown');
  const reason = event.reason ? ` "${event.reason}"` : '';
  return `${event.code} (${name})${reason}${event.wasClean === false || event.code === 1006
    ? ', without a closing handshake' : ''}`;
}

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

function sendPing() {
  if (ws && ws.readyState === WebSocket.OPEN) {
    ws.send(JSON.stringify({ lifeline: 'ping', t: performance.now() }));
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

function connect() {
  const socket = new WebSocket(url);
  ws = socket;
  socket.binaryType = 'arraybuffer';
  $('close-info').textContent = '';
  $('latency').textContent = '–';
  showState();
  log('event', `connecting to ${url}`);

  socket.addEventListener('open', () => {
    if (socket !== ws) return;
    showState();
    log('event', 'connection is OPEN' + (socket.extensions ? `, extensions ${socket.extensions}` : ''));
    sendPing();
    pingTimer = setInterval(sendPing, PING_EVERY_MS);
  });

  socket.addEventListener('message', (event) => {
    if (socket !== ws) return;
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
    if (socket !== ws) return;
    clearInterval(pingTimer);
    showState();
    const how = describeClose(event);
    $('close-info').textContent = how;
    log('event', `connection is CLOSED: ${how}`);
  });

  socket.addEventListener('error', () => {
    if (socket !== ws) return;
    log('event', 'connection error (the close event tells the code)');
  });
}

function showReliableState(state) {
  $('state').textContent = state;
  $('state').dataset.state = state;
  $('send').disabled = state === 'CLOSED';
  $('close').disabled = state !== 'OPEN';
  $('drop').disabled = state !== 'OPEN';
}

function receivedMessage(data) {
  log('received', typeof data === 'string' ? data : `(binary, ${data.byteLength} bytes) ${hex(data)}`);
  $('received-count').textContent = ++received;
}

function startReliable() {
  const client = new ReliableClient(url);
  reliable = client;
  $('latency-note').textContent = 'from a send to its acknowledgement';
  $('close-info').textContent = '';
  client.onstate = (state, info) => {
    if (client !== reliable) return;
    showReliableState(state);
    if (state === 'OPEN') {
      const what = info.outcome === 'RESUMED' ? 'session RESUMED' : 'NEW session';
      const lost = info.unacknowledged.length;
      $('close-info').textContent = what;
      log('event', what + (lost ? `: the server had lost the session; ${lost} sends were not acknowledged` : ''));
    } else if (state === 'RECONNECTING') {
      const how = describeClose(info);
      $('close-info').textContent = `connection lost: ${how}`;
      log('event', `session is RECONNECTING: connection lost with ${how}; next attempt in`
        + ` ${(info.delay / 1000).toFixed(1)} s`);
    } else if (state === 'CLOSED') {
      const how = describeClose(info);
      $('close-info').textContent = how;
      log('event', `session is CLOSED: ${how}`);
    }
  };
  client.onmessage = receivedMessage;
  showReliableState(client.state);
  log('event', `connecting to ${url} (${SUBPROTOCOL})`);
  client.connect();
}

function sendReliable(text) {
  const queued = reliable.state !== 'OPEN';
  const item = log('sent', queued ? `${text} (queued until the session is back)` : text);
  const start = performance.now();
  reliable.send(text).then(() => {
    item.classList.add('acked');
    if (!queued) $('latency').textContent = `${(performance.now() - start).toFixed(1)} ms`;
  }, (error) => {
    item.classList.add('failed');
    log('event', `not acknowledged: ${error.message}`);
  });
}

$('send-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $('message');
  if (reliable) {
    sendReliable(input.value);
  } else {
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    ws.send(input.value);
    log('sent', input.value);
  }
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
  ws.close(1000, 'closed from the page');
  showState();
  log('event', 'closing with 1000');
});

$('drop').addEventListener('click', () => {
  const drop = JSON.stringify({ lifeline: 'drop' });
  if (reliable) {
    reliable.send(drop).catch(() => {});
  } else {
    ws.send(drop);
  }
  log('event', 'asked the server to drop the connection');
});

$('reconnect').addEventListener('click', () => {
  if (reliable) {
    if (reliable.state !== 'CLOSED') {
      reliable.close();
      log('event', 'ended the session to start a new one');
    }
    startReliable();
    return;
  }
  const previous = ws;
  if (previous && previous.readyState <= WebSocket.OPEN) {
    clearInterval(pingTimer);
    previous.close(1000, 'reconnecting');
    log('event', 'closed with 1000 to reconnect');
  }
  connect();
});

$('url').textContent = url;
fetch('/healthz')
  .then((response) => response.json())
  .catch(() => ({ mode: 'unknown', reliable: false }))
  .then((health) => {
    $('mode').textContent = `${health.mode} mode${health.reliable ? ', reliable sessions' : ''}`;
    if (health.reliable) {
      startReliable();
    } else {
      connect();
    }
  });
