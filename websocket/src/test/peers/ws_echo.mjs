// An echo server on Node's ws (from npm, see package-lock.json), for ReconnectingWebSocket's interop test.
// Usage: node ws_echo.mjs PORT INSTANCE
// Answers every message with "INSTANCE:message" on 127.0.0.1:PORT and prints "listening" once bound.
import { WebSocketServer } from 'ws';

const [port, instance] = process.argv.slice(2);
const server = new WebSocketServer({ host: '127.0.0.1', port: Number(port) });
server.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(isBinary ? data : instance + ':' + data.toString()));
});
server.on('listening', () => console.log('listening'));
