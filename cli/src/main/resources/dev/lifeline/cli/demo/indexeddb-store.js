// Where reliable.js keeps a session across reloads of the page: one IndexedDB database per server URL, and a Web
// Lock that keeps a second tab of the same origin from using the same session. See docs/reliable.md ("A session
// kept in the browser").
//
//   import { ReliableClient } from './reliable.js';
//   import { IndexedDbStore } from './indexeddb-store.js';
//   const store = await IndexedDbStore.open('ws://127.0.0.1:8765/');  // null: another tab has it
//   const client = new ReliableClient('ws://127.0.0.1:8765/', { store });
//   const { restored, saved } = await client.connect();
//
// Object stores: `meta` (one record, 'session': {token, nextSeq, acknowledged, received}), `outbox` (the
// unacknowledged sends by sequence number) and `saved` (the page's own values, ReliableClient.save).

const VERSION = 1;
const STORES = ['meta', 'outbox', 'saved'];

/** A store that another tab holds, or that this browser cannot offer. */
export class StoreUnavailableError extends Error {
  constructor(message) {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * One session's database, held by this page alone. Transactions are "strict" (Chromium flushes them to disk before
 * reporting them complete) unless `durability: 'relaxed'` is given: relaxed survives a reload or a crash of the
 * page, not of the browser or the machine.
 */
export class IndexedDbStore {
  constructor(db, release, durability) {
    this.db = db;
    this.release = release;
    this.durability = durability;
  }

  /**
   * Opens `lifeline.reliable ${name}` and takes its Web Lock, waiting at most `wait` ms for a page that is going away
   * (the same tab, reloading) to let it go. Rejects with StoreUnavailableError when another tab keeps holding it or
   * the browser has no Web Locks (a page that is no secure context: http:// to another host than localhost).
   */
  static async open(name, { wait = 3000, durability = 'strict', indexedDB = globalThis.indexedDB,
    locks = globalThis.navigator && globalThis.navigator.locks } = {}) {
    const database = `lifeline.reliable ${name}`;
    if (!locks) throw new StoreUnavailableError('this browser offers no Web Locks here (not a secure context)');
    if (!indexedDB) throw new StoreUnavailableError('this browser offers no IndexedDB here');
    const release = await lock(locks, database, wait);
    try {
      return new IndexedDbStore(await openDatabase(indexedDB, database), release, durability);
    } catch (e) {
      release();
      throw e;
    }
  }

  /** Resolves with {meta (null if none), outbox: [{seq, payload}] in order, saved: Map}. */
  load() {
    const tx = this.db.transaction(STORES, 'readonly');
    const meta = request(tx.objectStore('meta').get('session'));
    const seqs = request(tx.objectStore('outbox').getAllKeys());
    const payloads = request(tx.objectStore('outbox').getAll());
    const keys = request(tx.objectStore('saved').getAllKeys());
    const values = request(tx.objectStore('saved').getAll());
    return done(tx).then(() => Promise.all([meta, seqs, payloads, keys, values]))
      .then(([session, numbers, sends, names, pageValues]) => ({
        meta: session ?? null,
        outbox: numbers.map((seq, i) => ({ seq, payload: sends[i] })),
        saved: new Map(names.map((key, i) => [key, pageValues[i]])),
      }));
  }

  /**
   * Applies `ops` in order in one transaction, then writes `meta` (deletes it when null). An op is ['put', seq,
   * payload], ['trim', ack] (deletes the sends up to ack), ['clear'] (deletes every send) or ['save', key, value]
   * (undefined deletes). Resolves once the transaction is complete.
   */
  commit(ops, meta) {
    const tx = this.db.transaction(STORES, 'readwrite', { durability: this.durability });
    const outbox = tx.objectStore('outbox');
    const saved = tx.objectStore('saved');
    const completed = done(tx);
    try {
      for (const [kind, a, b] of ops) {
        if (kind === 'put') outbox.put(b, a);
        else if (kind === 'trim') outbox.delete(IDBKeyRange.upperBound(a));
        else if (kind === 'clear') outbox.clear();
        else if (kind !== 'save') throw new TypeError(`not an op: ${kind}`);
        else if (b === undefined) saved.delete(a);
        else saved.put(b, a);
      }
      if (meta === null) tx.objectStore('meta').delete('session');
      else tx.objectStore('meta').put(meta, 'session');
    } catch (e) { // a value that cannot be cloned, a key that is no key: nothing of this commit is kept
      tx.abort();
      return completed.catch(() => { throw e; });
    }
    return completed;
  }

  /** Deletes everything: the session and the page's saved values. */
  forget() {
    const tx = this.db.transaction(STORES, 'readwrite', { durability: this.durability });
    for (const name of STORES) tx.objectStore(name).clear();
    return done(tx);
  }

  /** Closes the database and lets another tab have it. */
  close() {
    this.db.close();
    this.release();
  }
}

/** Holds the Web Lock `name` until the function it resolves with is called; rejects if not had within `wait` ms. */
function lock(locks, name, wait) {
  return new Promise((resolve, reject) => {
    const signal = AbortSignal.timeout(wait);
    locks.request(name, { signal }, () => new Promise((release) => resolve(release))).catch((e) => {
      reject(e && (e.name === 'TimeoutError' || e.name === 'AbortError')
        ? new StoreUnavailableError('another tab of this page keeps this session') : e);
    });
  });
}

function openDatabase(indexedDB, name) {
  return new Promise((resolve, reject) => {
    const opening = indexedDB.open(name, VERSION);
    opening.onupgradeneeded = () => {
      for (const store of STORES) {
        if (!opening.result.objectStoreNames.contains(store)) opening.result.createObjectStore(store);
      }
    };
    opening.onsuccess = () => resolve(opening.result);
    opening.onerror = () => reject(opening.error);
    opening.onblocked = () => reject(new StoreUnavailableError(`${name} is blocked by an older version`));
  });
}

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error || new Error('the transaction was aborted'));
    tx.onerror = () => {}; // onabort follows with the error
  });
}
