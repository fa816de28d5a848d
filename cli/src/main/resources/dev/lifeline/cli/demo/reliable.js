// A browser client of the lifeline.reliable.v1 protocol, as docs/topics/reliable-protocol.md specifies it: one
// session across many WebSocket connections; every message numbered, acknowledged, resent after a reconnect, and
// handed over once, in order. A plain ES module, no dependencies, no build step.
//
//   import { ReliableClient } from './reliable.js';
//   const client = new ReliableClient('ws://127.0.0.1:8765/');
//   client.onmessage = (data) => console.log(data);          // a string, or an ArrayBuffer
//   client.onstate = (state, info) => console.log(state, info);
//   client.connect();
//   await client.send('hello');                              // resolves when the server has acknowledged it

export const SUBPROTOCOL = 'lifeline.reliable.v1';

const DATA_TEXT = 0x01;
const DATA_BINARY = 0x02;
const ACK = 0x03;
const HELLO = 0x10;
const WELCOME = 0x11;
const MAX_TOKEN = 64;
const MAX_VARINT_BYTES = 8;
/** Close codes after which the client gives up rather than reconnect (the protocol page's table). */
const FATAL_CODES = new Set([1002, 1003, 1007, 1008, 1009, 1010]);

/** A broken rule of the protocol: the connection is closed with `code`. */
export class ProtocolError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'ProtocolError';
    this.code = code;
  }
}

/** A send that the session could not get acknowledged: it ended, or the server had lost it (NEW). */
export class UnacknowledgedError extends Error {
  constructor(message) {
    super(message);
    this.name = 'UnacknowledgedError';
  }
}

// ------------------------------------------------------------------ envelopes

export function writeVarint(out, n) {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a varint: ${n}`);
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
}

export function readVarint(bytes, pos) {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    if (pos + i >= bytes.length) throw new ProtocolError(1002, 'truncated varint');
    const b = bytes[pos + i];
    value += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) {
      if (value > Number.MAX_SAFE_INTEGER) throw new ProtocolError(1002, 'number above 2^53 - 1');
      return [value, pos + i + 1];
    }
    scale *= 0x80;
  }
  throw new ProtocolError(1002, 'varint longer than 8 bytes');
}

/** DATA_TEXT for a string, DATA_BINARY for an ArrayBuffer or a typed array. */
export function encodeData(seq, ack, payload) {
  const text = typeof payload === 'string';
  const head = [text ? DATA_TEXT : DATA_BINARY];
  writeVarint(head, seq);
  writeVarint(head, ack);
  const body = text ? new TextEncoder().encode(payload) : bytesOf(payload);
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

export function encodeAck(ack) {
  const out = [ACK];
  writeVarint(out, ack);
  return Uint8Array.from(out);
}

export function encodeHello(lastReceived, token) {
  const out = [HELLO];
  writeVarint(out, token ? lastReceived : 0);
  writeVarint(out, token ? token.length : 0);
  return Uint8Array.from(token ? out.concat(Array.from(token)) : out);
}

/**
 * What a server sends: {type: 'data', seq, ack, payload} (a string or an ArrayBuffer), {type: 'ack', ack} or
 * {type: 'welcome', resumed, lastReceived, token}. Throws a ProtocolError carrying the close code for anything else.
 */
export function decode(buffer) {
  const bytes = bytesOf(buffer);
  if (bytes.length === 0) throw new ProtocolError(1002, 'empty envelope');
  const type = bytes[0];
  if (type === DATA_TEXT || type === DATA_BINARY) {
    const [seq, p1] = readVarint(bytes, 1);
    const [ack, p2] = readVarint(bytes, p1);
    if (seq === 0) throw new ProtocolError(1002, 'DATA with seq 0');
    const body = bytes.slice(p2);
    let payload = body.buffer;
    if (type === DATA_TEXT) {
      try {
        payload = new TextDecoder('utf-8', { fatal: true }).decode(body);
      } catch {
        throw new ProtocolError(1007, 'DATA_TEXT that is not UTF-8');
      }
    }
    return { type: 'data', seq, ack, payload };
  }
  if (type === ACK) {
    const [ack, end] = readVarint(bytes, 1);
    noneLeft(bytes, end, 'ACK');
    return { type: 'ack', ack };
  }
  if (type === WELCOME) {
    if (bytes.length < 2) throw new ProtocolError(1002, 'WELCOME without an outcome');
    const outcome = bytes[1];
    if (outcome > 1) throw new ProtocolError(1002, `WELCOME with outcome ${outcome}`);
    const [lastReceived, p1] = readVarint(bytes, 2);
    const [length, p2] = readVarint(bytes, p1);
    if (length === 0) throw new ProtocolError(1002, 'WELCOME without a token');
    if (length > MAX_TOKEN || p2 + length > bytes.length) throw new ProtocolError(1002, `bad token length ${length}`);
    noneLeft(bytes, p2 + length, 'WELCOME');
    if (outcome === 0 && lastReceived !== 0) throw new ProtocolError(1002, 'WELCOME NEW with lastReceived');
    return { type: 'welcome', resumed: outcome === 1, lastReceived, token: bytes.slice(p2, p2 + length) };
  }
  throw new ProtocolError(1002, `unexpected envelope type 0x${type.toString(16).padStart(2, '0')}`);
}

function noneLeft(bytes, end, name) {
  if (end !== bytes.length) throw new ProtocolError(1002, `${bytes.length - end} bytes after ${name}`);
}

function bytesOf(data) {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

// ------------------------------------------------------------------ the client

/** Random delays before reconnecting, in ms: the first in [first[0], first[1]), then base * factor^n up to max. */
const DEFAULT_BACKOFF = { first: [500, 1500], base: 1000, factor: 2, max: 30000 };

/**
 * One reliable session over as many connections as it takes. States: CONNECTING (until the first WELCOME), OPEN,
 * RECONNECTING, CLOSED. onstate(state, info) hears each change: info.outcome is 'NEW' or 'RESUMED' for OPEN (and
 * info.replaced is true when a NEW replaced a session the client held), info.code and info.reason tell why a
 * connection ended for RECONNECTING and CLOSED.
 *
 * With a `store` (an IndexedDbStore, see indexeddb-store.js) the session survives a reload of the page: its token,
 * both sequence numbers and the unacknowledged sends are written to the store on every change, write-ahead: a send
 * goes on the wire only once it is stored, a WELCOME's token is stored before anything is sent in the session, and a
 * received message is acknowledged to the server only once its handling is stored. What one synchronous run of code
 * writes (a call of onmessage with the sends and save() calls it makes, a click handler's sends) is one transaction.
 */
export class ReliableClient {
  constructor(url, { backoff = DEFAULT_BACKOFF, maxOutbox = 1024, ackDelay = 20, closeTimeout = 10000,
    store = null } = {}) {
    this.url = url;
    this.backoff = backoff;
    this.maxOutbox = maxOutbox;
    this.ackDelay = ackDelay;
    this.closeTimeout = closeTimeout;
    this.store = store;
    this.state = 'CONNECTING';
    this.onmessage = null;
    this.onstate = null;
    this.ws = null;
    this.joined = false;       // WELCOME arrived on the current connection
    this.flowing = false;      // ... and its writes are stored: stored sends go out as they are stored
    this.token = null;         // the session's token once the server has issued one
    this.lastReceived = 0;     // the highest seq received in order and handed to onmessage
    this.durable = 0;          // the highest seq whose handling is stored: what HELLO, DATA and ACK report
    this.epoch = 0;            // counts the sessions this client replaced (NEW after holding a token)
    this.nextSeq = 1;
    this.acknowledged = 0;     // the highest seq the server acknowledged
    this.outbox = [];          // entries ({seq, payload, stored, ...}), unacknowledged, in order
    this.early = [];           // entries sent before the store was read: numbered once it is
    this.loading = null;       // connect()'s promise
    this.loaded = false;       // the store was read (at once without one)
    this.batch = null;         // writes not yet handed to the store: {ops, after}
    this.failures = 0;         // connections lost in a row since the session was last joined
    this.ackTimer = null;
    this.retryTimer = null;
    this.closing = null;       // the close() in progress: {resolve, timer}
  }

  /**
   * Reads the store (if any), then opens the first connection; sends made before are queued. Resolves with what the
   * store held: {restored: [{payload, acknowledged}], saved: Map} (restored: the sends of an earlier page that the
   * server has not acknowledged, resent after the resume; acknowledged is a promise like send()'s).
   */
  connect() {
    if (this.loading) return this.loading;
    this.loading = (this.store ? this.store.load() : Promise.resolve(null)).then((kept) => {
      if (this.state === 'CLOSED') return { restored: [], saved: new Map() };
      const restored = kept ? this.restore(kept) : [];
      this.loaded = true;
      for (const entry of this.early.splice(0)) this.enqueue(entry);
      this.open();
      return { restored: restored.map((e) => ({ payload: e.payload, acknowledged: e.promise })),
        saved: kept ? kept.saved : new Map() };
    }, (error) => {
      this.storageFailed(error);
      throw error;
    });
    return this.loading;
  }

  /**
   * Sends a string (text) or an ArrayBuffer (binary); resolves when the server acknowledges it. Its `persisted`
   * promise resolves once it is in the store (at once without one): from then on a reload does not lose it.
   */
  send(payload) {
    if (this.state === 'CLOSED' || this.closing) {
      return Promise.reject(new UnacknowledgedError('the session is closed'));
    }
    if (this.unacknowledged >= this.maxOutbox) {
      return Promise.reject(new RangeError(`outbox full: ${this.unacknowledged} unacknowledged messages`));
    }
    const entry = this.entry(0, payload, false);
    if (this.loaded) {
      this.enqueue(entry);
    } else {
      this.early.push(entry); // numbered once the store is read
    }
    return entry.promise;
  }

  /**
   * Saves a value of the page's own under `key` (undefined deletes it) in the store, in the same transaction as the
   * rest of this synchronous run: called from onmessage, it is stored if and only if the message's handling is.
   */
  save(key, value) {
    if (this.store) this.write(['save', key, value]);
  }

  /** Messages sent and not acknowledged yet. */
  get unacknowledged() {
    return this.outbox.length + this.early.length;
  }

  /**
   * Ends the session: waits (at most closeTimeout) for the server to acknowledge what was sent, then closes with
   * 1000, which ends the session on the server too (and removes it from the store). Resolves once CLOSED.
   */
  close() {
    if (this.state === 'CLOSED') return Promise.resolve();
    return new Promise((resolve) => {
      if (this.closing) {
        const previous = this.closing.resolve;
        this.closing.resolve = () => { previous(); resolve(); };
        return;
      }
      this.closing = { resolve, timer: setTimeout(() => this.finishClose(), this.closeTimeout) };
      if (this.outbox.length === 0 || !this.joined) this.finishClose();
    });
  }

  // -------------------------------------------------------------- sends and the store

  entry(seq, payload, stored) {
    const entry = { seq, payload, stored, dead: false };
    entry.promise = new Promise((resolve, reject) => { entry.resolve = resolve; entry.reject = reject; });
    entry.promise.persisted = new Promise((resolve, reject) => { entry.kept = resolve; entry.unkept = reject; });
    entry.promise.persisted.catch(() => {}); // its failure is the acknowledgement's too: reported once, there
    if (stored) entry.kept();
    return entry;
  }

  /** Takes over what an earlier page stored; returns the restored sends. */
  restore({ meta, outbox }) {
    if (meta) {
      this.token = meta.token;
      this.nextSeq = meta.nextSeq;
      this.acknowledged = meta.acknowledged;
      this.lastReceived = meta.received;
      this.durable = meta.received;
    }
    const restored = outbox.filter((kept) => kept.seq > this.acknowledged && kept.seq < this.nextSeq)
      .map((kept) => this.entry(kept.seq, kept.payload, true));
    this.outbox = restored;
    return restored;
  }

  /** Numbers a send, stores it, and puts it on the wire once stored if the session is flowing. */
  enqueue(entry) {
    entry.seq = this.nextSeq++;
    this.outbox.push(entry);
    this.write(['put', entry.seq, entry.payload]);
    this.after(() => {
      if (entry.dead) return;
      entry.stored = true;
      entry.kept();
      if (this.flowing) this.transmit(entry);
    });
  }

  /** Adds a write to this run's batch; the batch goes to the store in a microtask, as one transaction. */
  write(op) {
    if (!this.store) return;
    if (this.batch === null) {
      this.batch = { ops: [], after: [] };
      queueMicrotask(() => this.flush());
    }
    if (op) this.batch.ops.push(op);
  }

  /** Runs `fn` once every write made so far is stored (at once without a store). */
  after(fn) {
    if (!this.store) {
      fn();
      return;
    }
    this.write(null);
    this.batch.after.push(fn);
  }

  flush() {
    const { ops, after } = this.batch;
    this.batch = null;
    const meta = this.state === 'CLOSED' ? null : { // token null: sends made before the first WELCOME
      token: this.token, nextSeq: this.nextSeq, acknowledged: this.acknowledged, received: this.lastReceived,
    };
    let committed;
    try {
      committed = this.store.commit(ops, meta);
    } catch (error) { // a value IndexedDB cannot clone or key, say
      committed = Promise.reject(error);
    }
    committed.then(() => {
      for (const fn of after) fn();
    }, (error) => this.storageFailed(error));
  }

  storageFailed(error) {
    if (this.state === 'CLOSED') return;
    const reason = `the store failed: ${error && error.message ? error.message : error}`;
    const ws = this.ws;
    this.ws = null;
    if (ws) ws.close(4011, 'the store failed');
    this.end(1011, reason);
  }

  // -------------------------------------------------------------- connections

  open() {
    const ws = new WebSocket(this.url, SUBPROTOCOL);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    this.retryTimer = null;
    this.joined = false;
    this.flowing = false;
    ws.onopen = () => {
      if (ws !== this.ws) return;
      if (ws.protocol !== SUBPROTOCOL) {
        this.giveUp(ws, 1002, `the server did not select ${SUBPROTOCOL}`);
        return;
      }
      ws.send(encodeHello(this.durable, this.token));
    };
    ws.onmessage = (event) => {
      if (ws !== this.ws) return;
      try {
        if (typeof event.data === 'string') throw new ProtocolError(1003, 'a text WebSocket message');
        this.receive(decode(event.data));
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw e;
        this.giveUp(ws, e.code, e.message);
      }
    };
    ws.onclose = (event) => {
      if (ws !== this.ws) return;
      this.lost(event.code, event.reason);
    };
  }

  receive(envelope) {
    if (!this.joined) {
      if (envelope.type !== 'welcome') throw new ProtocolError(1002, `${envelope.type} before WELCOME`);
      this.welcome(envelope);
      return;
    }
    if (envelope.type === 'welcome') throw new ProtocolError(1002, 'a second WELCOME');
    this.acknowledge(envelope.ack);
    if (envelope.type !== 'data') return;
    if (envelope.seq <= this.lastReceived) {
      this.sendAck(); // a duplicate: the server evidently does not know what arrived
      return;
    }
    if (envelope.seq > this.lastReceived + 1) {
      throw new ProtocolError(1002, `gap: seq ${envelope.seq} after ${this.lastReceived}`);
    }
    this.lastReceived = envelope.seq;
    this.handled(envelope.seq); // consume, transform, produce: committed with this run's sends and saves
    if (this.onmessage) this.onmessage(envelope.payload);
  }

  /**
   * Once the handling of `seq` is stored (with what the handler, called next in this run, sends and saves), it may
   * be acknowledged: the handler's sends, which go out after this, carry the acknowledgement.
   */
  handled(seq) {
    const epoch = this.epoch;
    this.after(() => {
      if (epoch !== this.epoch || seq <= this.durable) return;
      this.durable = seq;
      if (this.ackTimer === null) this.ackTimer = setTimeout(() => this.sendAck(), this.ackDelay);
    });
  }

  welcome({ resumed, lastReceived, token }) {
    let unacknowledged = [];
    const replaced = !resumed && this.token !== null;
    if (resumed) {
      if (!this.token) throw new ProtocolError(1002, 'RESUMED without a session to resume');
      if (lastReceived < this.acknowledged) {
        throw new ProtocolError(1002, `the server lost acknowledged messages: ${lastReceived} < ${this.acknowledged}`);
      }
      this.acknowledge(lastReceived);
    } else if (replaced) {
      // the server no longer has our session: what it never acknowledged is not resent
      unacknowledged = this.outbox.map((entry) => entry.payload);
      this.failAll('the server lost the session (NEW)');
      this.epoch++;
      this.lastReceived = 0;
      this.durable = 0;
      this.nextSeq = 1;
      this.acknowledged = 0;
      this.write(['clear']);
    }
    this.token = token;
    this.joined = true;
    this.failures = 0;
    this.setState('OPEN', { outcome: resumed ? 'RESUMED' : 'NEW', replaced, unacknowledged });
    const ws = this.ws;
    this.after(() => { // the token is stored: the session may go on
      if (ws !== this.ws || !this.joined) return;
      this.flowing = true;
      for (const entry of this.outbox) if (entry.stored) this.transmit(entry); // above the server's lastReceived
      if (this.closing && this.outbox.length === 0) this.finishClose();
    });
  }

  acknowledge(ack) {
    if (ack > this.nextSeq - 1) throw new ProtocolError(1002, `ack ${ack} of a message never sent`);
    if (ack <= this.acknowledged) return;
    this.acknowledged = ack;
    this.write(['trim', ack]);
    while (this.outbox.length > 0 && this.outbox[0].seq <= ack) this.outbox.shift().resolve();
    if (this.closing && this.outbox.length === 0) this.finishClose();
  }

  transmit(entry) {
    this.cancelAck(); // DATA carries the acknowledgement
    this.ws.send(encodeData(entry.seq, this.durable, entry.payload));
  }

  sendAck() {
    this.cancelAck();
    if (this.joined && this.ws.readyState === WebSocket.OPEN) this.ws.send(encodeAck(this.durable));
  }

  cancelAck() {
    clearTimeout(this.ackTimer);
    this.ackTimer = null;
  }

  lost(code, reason) {
    this.joined = false;
    this.flowing = false;
    this.cancelAck();
    if (this.state === 'CLOSED') return;
    if (this.closing || code === 1000 || FATAL_CODES.has(code) || (code >= 3000 && code <= 4999)) {
      this.end(code, reason);
      return;
    }
    const delay = this.delay(this.failures++);
    this.setState('RECONNECTING', { code, reason, delay });
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  delay(failures) {
    const { first, base, factor, max } = this.backoff;
    if (failures === 0) return first[0] + Math.random() * (first[1] - first[0]);
    const full = Math.min(max, base * factor ** (failures - 1));
    return full - Math.random() * full / 2;
  }

  /**
   * Closes with `code` + 3000 (4002 for 1002...): a browser may only send 1000 and 3000-4999, and 1000 would tell
   * the server that the session ended normally.
   */
  giveUp(ws, code, reason) {
    this.ws = null;
    ws.close(code + 3000, new TextEncoder().encode(reason).length <= 123 ? reason : 'protocol error');
    this.joined = false;
    this.end(code, reason);
  }

  finishClose() {
    const ws = this.ws;
    if (ws) {
      this.sendAck();
      this.ws = null;
      ws.close(1000, 'session closed');
    }
    this.end(1000, 'session closed');
  }

  /** The session is over: its sends fail, and the store forgets it (the page's saved values stay). */
  end(code, reason) {
    if (this.state === 'CLOSED') return;
    clearTimeout(this.retryTimer);
    this.cancelAck();
    this.failAll(`the session ended with ${code}`);
    this.setState('CLOSED', { code, reason });
    this.write(['clear']);
    if (this.closing) {
      clearTimeout(this.closing.timer);
      this.closing.resolve();
    }
  }

  failAll(why) {
    const outbox = this.outbox.concat(this.early.splice(0));
    this.outbox = [];
    for (const entry of outbox) {
      entry.dead = true;
      entry.unkept(new UnacknowledgedError(why));
      entry.reject(new UnacknowledgedError(why));
    }
  }

  setState(state, info) {
    this.state = state;
    if (this.onstate) this.onstate(state, info);
  }
}
