// reliable.js with a store, in Node: the write-ahead rules of docs/reliable.md ("A session kept in the browser"),
// against a store whose commits the test completes by hand and a WebSocket that records what the client sends.
// ReliableJsStoreTest copies this file next to reliable.js and runs it with `node --test`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReliableClient, encodeAck, encodeData, encodeHello, writeVarint } from './reliable.js';

class FakeSocket {
  static OPEN = 1;
  static last = null;

  constructor(url, protocol) {
    this.protocol = protocol;
    this.readyState = 0;
    this.sent = [];
    this.closed = null;
    FakeSocket.last = this;
  }

  send(bytes) {
    this.sent.push(hex(bytes));
  }

  close(code, reason) {
    this.closed = { code, reason };
  }

  /** The server accepts the handshake. */
  accept() {
    this.readyState = 1;
    this.onopen();
  }

  receive(bytes) {
    this.onmessage({ data: Uint8Array.from(bytes).buffer });
  }
}
globalThis.WebSocket = FakeSocket;

/** Commits wait until the test completes them, one by one, in order. */
class ManualStore {
  constructor(kept = null) {
    this.kept = kept;
    this.commits = [];
  }

  load() {
    return Promise.resolve(this.kept || { meta: null, outbox: [], saved: new Map() });
  }

  commit(ops, meta) {
    return new Promise((resolve, reject) => this.commits.push({ ops, meta, resolve, reject }));
  }

  /** Completes the oldest pending commit and lets the client react. */
  async complete() {
    this.commits.shift().resolve();
    await turn();
  }
}

const TOKEN = [7, 7];

function welcome(resumed, lastReceived) {
  const out = [0x11, resumed ? 1 : 0];
  writeVarint(out, lastReceived);
  writeVarint(out, TOKEN.length);
  return out.concat(TOKEN);
}

function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** Lets queued microtasks and timers of 0 ms run. */
function turn() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

async function joined(store) {
  const client = new ReliableClient('ws://test/', { store, ackDelay: 0 });
  await client.connect();
  FakeSocket.last.accept();
  FakeSocket.last.receive(welcome(false, 0));
  await turn();
  await store.complete(); // the token is stored: the session may go on
  return client;
}

test('a send goes on the wire only once its commit is complete, and is persisted then', async () => {
  const store = new ManualStore();
  const client = await joined(store);
  const ws = FakeSocket.last;
  const sending = client.send('hello');
  let persisted = false;
  sending.persisted.then(() => { persisted = true; });
  await turn();

  assert.deepEqual(store.commits[0].ops, [['put', 1, 'hello']]);
  assert.equal(store.commits[0].meta.nextSeq, 2);
  assert.deepEqual(ws.sent, [hex(encodeHello(0, null))]);
  assert.equal(persisted, false);

  await store.complete();
  assert.equal(persisted, true);
  assert.deepEqual(ws.sent.slice(1), [hex(encodeData(1, 0, 'hello'))]);
});

test('a message is acknowledged only once its handling is stored, with the sends and saves made while handling it',
  async () => {
    const store = new ManualStore();
    const client = await joined(store);
    const ws = FakeSocket.last;
    client.onmessage = (data) => {
      if (data !== 'question') return;
      client.send(`re: ${data}`);
      client.save('last', data);
    };
    ws.receive(encodeData(1, 0, 'question'));
    await turn();

    assert.equal(store.commits.length, 1); // one transaction for the consumption, the answer and the saved value
    assert.deepEqual(store.commits[0].ops, [['put', 1, 're: question'], ['save', 'last', 'question']]);
    assert.equal(store.commits[0].meta.received, 1);
    assert.deepEqual(ws.sent, [hex(encodeHello(0, null))]); // neither the answer nor an acknowledgement yet

    await store.complete();
    await turn(); // an ACK would be due now, had the answer not carried it
    assert.deepEqual(ws.sent.slice(1), [hex(encodeData(1, 1, 're: question'))]);

    ws.receive(encodeData(2, 1, 'no answer'));
    await turn();
    assert.deepEqual(store.commits[0].ops, [['trim', 1]]);
    await store.complete();
    await turn();
    assert.deepEqual(ws.sent.slice(2), [hex(encodeAck(2))]);
  });

test('a reloaded page resumes with what it stored: HELLO carries the committed received, the rest is resent',
  async () => {
    const store = new ManualStore({
      meta: { token: Uint8Array.from(TOKEN), nextSeq: 4, acknowledged: 1, received: 9 },
      outbox: [{ seq: 2, payload: 'two' }, { seq: 3, payload: 'three' }],
      saved: new Map([['k', 'v']]),
    });
    const client = new ReliableClient('ws://test/', { store });
    const { restored, saved } = await client.connect();
    assert.deepEqual(restored.map((r) => r.payload), ['two', 'three']);
    assert.equal(saved.get('k'), 'v');
    const ws = FakeSocket.last;
    ws.accept();
    assert.deepEqual(ws.sent, [hex(encodeHello(9, Uint8Array.from(TOKEN)))]);

    const outcomes = [];
    client.onstate = (state, info) => outcomes.push(info.outcome);
    ws.receive(welcome(true, 2)); // the server had the first one
    await turn();
    assert.deepEqual(outcomes, ['RESUMED']);
    assert.deepEqual(store.commits[0].ops, [['trim', 2]]);
    assert.equal(ws.sent.length, 1);

    await store.complete();
    assert.deepEqual(ws.sent.slice(1), [hex(encodeData(3, 9, 'three'))]);
    await restored[0].acknowledged;
    ws.receive(encodeData(10, 3, 'after'));
    await restored[1].acknowledged;
  });

test('a send made before the first WELCOME is kept, and sent in the session a reloaded page starts', async () => {
  const first = new ManualStore();
  const before = new ReliableClient('ws://test/', { store: first });
  await before.connect();
  before.send('early');
  await turn();
  assert.deepEqual(first.commits[0].ops, [['put', 1, 'early']]);
  assert.deepEqual(first.commits[0].meta, { token: null, nextSeq: 2, acknowledged: 0, received: 0 });

  const store = new ManualStore({ meta: first.commits[0].meta, outbox: [{ seq: 1, payload: 'early' }],
    saved: new Map() });
  const client = new ReliableClient('ws://test/', { store });
  const { restored } = await client.connect();
  assert.deepEqual(restored.map((r) => r.payload), ['early']);
  const ws = FakeSocket.last;
  ws.accept();
  assert.deepEqual(ws.sent, [hex(encodeHello(0, null))]);
  let told;
  client.onstate = (state, info) => { told = info; };
  ws.receive(welcome(false, 0));
  await turn();
  assert.equal(told.replaced, false);
  await store.complete();
  assert.deepEqual(ws.sent.slice(1), [hex(encodeData(1, 0, 'early'))]);
});

test('after the window, NEW tells that the kept session was replaced, rejects its sends and clears the store',
  async () => {
    const store = new ManualStore({
      meta: { token: Uint8Array.from(TOKEN), nextSeq: 2, acknowledged: 0, received: 3 },
      outbox: [{ seq: 1, payload: 'typed before' }],
      saved: new Map(),
    });
    const client = new ReliableClient('ws://test/', { store });
    const { restored } = await client.connect();
    const rejected = assert.rejects(restored[0].acknowledged, { name: 'UnacknowledgedError' });
    let told;
    client.onstate = (state, info) => { told = info; };
    FakeSocket.last.accept();
    FakeSocket.last.receive(welcome(false, 0));
    await turn();

    assert.equal(told.outcome, 'NEW');
    assert.equal(told.replaced, true);
    assert.deepEqual(told.unacknowledged, ['typed before']);
    await rejected;
    assert.deepEqual(store.commits[0].ops, [['clear']]);
    assert.deepEqual(store.commits[0].meta, { token: Uint8Array.from(TOKEN), nextSeq: 1, acknowledged: 0,
      received: 0 });
  });

test('a failed commit ends the session: nothing unstored goes out, the send is rejected', async () => {
  const store = new ManualStore();
  const client = await joined(store);
  const ws = FakeSocket.last;
  const states = [];
  client.onstate = (state, info) => states.push(`${state} ${info.code} ${info.reason}`);
  const sending = client.send('doomed');
  const rejected = assert.rejects(sending, { name: 'UnacknowledgedError' });
  await turn();
  store.commits.shift().reject(new Error('QuotaExceededError'));
  await turn();

  await rejected;
  assert.deepEqual(states, ['CLOSED 1011 the store failed: QuotaExceededError']);
  assert.deepEqual(ws.sent, [hex(encodeHello(0, null))]);
  assert.deepEqual(ws.closed, { code: 4011, reason: 'the store failed' });
});
