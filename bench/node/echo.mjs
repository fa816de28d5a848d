// Node's ws (from npm, pinned in package-lock.json) as a server under test in the comparison: the same
// conversation with the harness as EchoMain's (see bench/src/main/java/dev/lifeline/bench/server/EchoMain.java).
// Usage: node --expose-gc echo.mjs [deflate|broadcast|keepalive]
// Prints "READY <port>" once listening on 127.0.0.1; then answers, one line each, on standard input:
//   stats -> "STATS <heap used> <resident set>" (bytes, after a full GC), jit -> "JIT 0" (V8's compilers run on
//   threads that Node does not account apart), cpu -> "CPU <CPU time of the process in ns> 0"; stops on "stop"
//   or at the end of its input.
// Modes, as ws's README writes them: the echo (messages sent back as they came, text as text); with deflate,
// permessage-deflate without context takeover either way; broadcast, each message sent to every open client in a
// loop over wss.clients; keepalive, the README's heartbeat (a Ping to every client every 30 s, a client that did
// not answer the previous one terminated).
import { WebSocketServer, WebSocket } from 'ws';
import { createInterface } from 'node:readline';

const mode = process.argv[2] ?? '';
if (!['', 'deflate', 'broadcast', 'keepalive'].includes(mode)) {
  console.error('usage: node echo.mjs [deflate|broadcast|keepalive]');
  process.exit(2);
}
const MAX_MESSAGE = 2 << 20;
const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  backlog: 1024,
  maxPayload: MAX_MESSAGE,
  perMessageDeflate: mode === 'deflate'
    ? { serverNoContextTakeover: true, clientNoContextTakeover: true, threshold: 0 }
    : false,
});

wss.on('connection', (ws) => {
  ws.on('error', () => {}); // a client that goes away mid-frame: nothing to report
  if (mode === 'broadcast') {
    ws.on('message', (data, isBinary) => {
      for (const client of wss.clients) {
        if (client.readyState === WebSocket.OPEN) {
          client.send(data, { binary: isBinary });
        }
      }
    });
    return;
  }
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  if (mode === 'keepalive') {
    ws.isAlive = true;
    ws.on('pong', () => { ws.isAlive = true; });
  }
});

if (mode === 'keepalive') {
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (!ws.isAlive) {
        ws.terminate();
        continue;
      }
      ws.isAlive = false;
      ws.ping();
    }
  }, 30_000);
  wss.on('close', () => clearInterval(heartbeat));
}

wss.on('listening', () => console.log('READY ' + wss.address().port));

const commands = createInterface({ input: process.stdin });
commands.on('line', (line) => {
  if (line === 'stats') {
    for (let i = 0; i < 3; i++) {
      global.gc?.();
    }
    const m = process.memoryUsage();
    console.log('STATS ' + m.heapUsed + ' ' + m.rss);
  } else if (line === 'jit') {
    console.log('JIT 0');
  } else if (line === 'cpu') {
    const c = process.cpuUsage();
    console.log('CPU ' + (c.user + c.system) * 1000 + ' 0');
  } else if (line === 'stop') {
    stop();
  }
});
commands.on('close', stop);

function stop() {
  for (const ws of wss.clients) {
    ws.terminate();
  }
  wss.close(() => process.exit(0));
}
