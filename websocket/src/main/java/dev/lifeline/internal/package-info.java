/**
 * The connection layer under {@code dev.lifeline}'s API (not exported): sockets, threads, time. The protocol itself
 * (frames, states, handshakes) is the sans-I/O {@code dev.lifeline.protocol.Protocol}; this package feeds it bytes
 * and writes its bytes.
 *
 * <h2>Who is who</h2>
 * The facades' entry points, the only public classes here: {@link dev.lifeline.internal.ClientOpening} (one attempt
 * of a {@code WebSocketClient} to open a connection at one URI: TCP, TLS, the opening handshake, the transport, the
 * started {@link dev.lifeline.internal.Connection}; the client follows redirects itself) and
 * {@link dev.lifeline.internal.Acceptor} (what a {@code WebSocketServer} runs on; its open connections and their
 * broadcast too), with {@link dev.lifeline.internal.ServerConfig}, the value the server's builder makes for it.
 * Everything else is package-private.
 * <ul>
 *   <li>{@link dev.lifeline.internal.Connection}: one open connection, the owner of its state; the
 *       {@code WebSocket} the application holds. {@link dev.lifeline.internal.ProtocolGuard}, its base class: the
 *       protocol under its lock, which is all its helpers see of it.</li>
 *   <li>{@link dev.lifeline.internal.Transport}: how a connection's bytes cross, chosen once per connection (when
 *       its socket is accepted or connected) and kept for its life, from the opening handshake on; the only place
 *       where the two kinds differ. {@link dev.lifeline.internal.Transport.Polled}: non-blocking channels under the
 *       {@link dev.lifeline.internal.Poller}'s watch; a server's plain socket gets it from its accept on, a
 *       {@code ws://} client's once its opening handshake is done if built with
 *       {@code WebSocketClient.builder().pollIdle(true)}; it also runs over a pipe's two ends (the tests'
 *       in-memory pair). {@link dev.lifeline.internal.Transport.Blocking}: a socket's streams; every TLS
 *       connection, server or client, and a {@code ws://} client's by default.</li>
 *   <li>{@link dev.lifeline.internal.Reader}: where a frame is read (the read loop: read, then under the lock feed
 *       the protocol and take its events and bytes, then without the lock write and deliver).</li>
 *   <li>{@link dev.lifeline.internal.Sender} encodes what the application sends; {@link dev.lifeline.internal.Outgoing}
 *       is where bytes are written (one writer at a time, coalescing); {@link dev.lifeline.internal.Broadcast} sends
 *       one message, encoded once, for many connections.</li>
 *   <li>{@link dev.lifeline.internal.Inbox} (handler style, {@code receive()}) or
 *       {@link dev.lifeline.internal.Deliveries} (listener style) hold what arrived for the application.</li>
 *   <li>{@link dev.lifeline.internal.Closing}: the closing handshake and its bounds;
 *       {@link dev.lifeline.internal.Pings}: Pings, latency, keepalive.</li>
 *   <li>{@link dev.lifeline.internal.Acceptor}: what runs a {@code WebSocketServer} (a facade over it): the listening
 *       socket, the opening handshakes in flight and their slots, the workers, what an open connection is handed
 *       to, the open connections (the server's registry) and their broadcast, the server's close; it reads only its
 *       immutable {@link dev.lifeline.internal.ServerConfig}.</li>
 *   <li>{@link dev.lifeline.internal.OpeningHandshake}: one server opening handshake, a state machine (below);
 *       {@link dev.lifeline.internal.Opening} is its socket I/O; {@link dev.lifeline.internal.Handshakes} helps the
 *       client's handshake too.</li>
 *   <li>{@link dev.lifeline.internal.Poller} and {@link dev.lifeline.internal.Timers}: the two shared platform
 *       threads.</li>
 * </ul>
 *
 * What each helper is given: the {@code Protocol}, the {@link dev.lifeline.internal.Transport}, the connection's
 * {@link dev.lifeline.internal.Timers}, the helpers it calls ({@code Outgoing} to write or flush, {@code Closing} to
 * close or release a held Close, {@code Reader} to ask who receives), and the protocol under its lock, a
 * {@link dev.lifeline.internal.ProtocolGuard}: the lock and its condition, the state predicates
 * ({@code isOpenLocked}, {@code inputEndedLocked}, {@code closedExceptionLocked}), why TCP failed, the reader's pause,
 * and the steps only the owner of the state takes: {@code afterProtocolLocked} (the one step after every feed or
 * send: the protocol's events to the inbox, the listener or {@code Pings}, its bytes to {@code Outgoing}),
 * {@code close}, {@code abort} and {@code finish}. {@code Connection} is that guard's one subclass: a helper holds
 * the connection itself, typed as its guard, so the seam costs no object per connection and its calls stay
 * monomorphic; no helper names {@code Connection}. What the rest of the package sees of its neighbours is declared
 * where it is needed, also as a type the neighbour extends or implements: {@code Broadcast.Peer} (a connection, for
 * a broadcast), {@code Timers.Watched} (a write side, for the watchdog), {@code OpeningHandshake.Server} (the
 * {@code Acceptor}, for a handshake). So no two files of this package depend on each other, directly or around a
 * cycle: the owner uses its helpers, never the reverse ({@code InternalDependenciesTest} reads the sources and
 * checks it).
 *
 * <h2>Threads</h2>
 * Two platform threads per JVM, shared by every connection, each started on first use:
 * <ul>
 *   <li><b>{@code lifeline-poller}</b> ({@link dev.lifeline.internal.Poller}, started by the first server or
 *       polled {@code ws://} client connection, a daemon that lives as long as the JVM): selects over the server channels
 *       and the channels of every {@link dev.lifeline.internal.Transport.Polled}: a server's plain socket from its
 *       accept on, a client's once its opening handshake is done if it asked for it
 *       ({@code WebSocketClient.Builder.pollIdle}). It accepts, reads servers' opening handshakes as
 *       they arrive and answers 101 itself when no application code has to run first, starts a connection's reader
 *       when bytes arrive for an idle one, and wakes threads waiting for room to write. Why: an idle connection,
 *       server or client, and a half-sent handshake then hold no thread. What runs there never waits (a 101 that
 *       does not fit in TCP's buffer, a refusal, a handler: all go to a worker). One per JVM rather than one per
 *       {@code WebSocketClient}: a client has nothing to close, and once every connection is closed no thread of
 *       theirs is left.</li>
 *   <li><b>{@code lifeline-timers}</b> ({@link dev.lifeline.internal.Timers#shared()}, started by the first timer
 *       armed): open and close timeouts, keepalive Pings and their timeouts, the write watchdog (every 50 ms, only
 *       for connections with a write under way or deferred), the accept back-off. It waits for the earliest deadline
 *       of one heap of timer entries on {@code System.nanoTime()}; a connection's keepalive is one entry, re-armed
 *       each round. It never blocks: whatever writes to a socket or runs user callbacks is handed to a virtual
 *       thread. A connection and a server are given their {@code Timers} when made, and read time only from it
 *       (the write watchdog's clock and its set of watched connections are the instance's too). Tests give them a
 *       {@link dev.lifeline.internal.Timers#stepped()} instance instead: no thread, its tasks run on the thread
 *       that steps its clock.</li>
 * </ul>
 * Virtual threads, each named after what it does and its connection's id:
 * <ul>
 *   <li><b>readers</b> ({@code lifeline-reader-ID}, {@link dev.lifeline.internal.Reader}). A connection starts
 *       once, by {@link dev.lifeline.internal.Connection#start}, which says where its reader's first run happens (a
 *       {@link dev.lifeline.internal.Reader.FirstRun}); that run delivers what came with the handshake and calls a
 *       listener's {@code onOpen} first. A connection over a blocking transport (every TLS connection, and a client's
 *       unless built with {@code pollIdle}) has one reader for its whole life. One over a polled transport (a plain
 *       server socket, or a polled client's) has one run per burst of input: the poller starts it when bytes arrive,
 *       it reads until a read finds nothing and ends. Where the first run happens: a client's and a handler-style
 *       server connection's on a new reader thread ({@code NEW_THREAD}); a listener-style server connection's on its
 *       worker thread ({@code THIS_THREAD}: a {@code WebSocketListener}, whose {@code onOpen} runs there first; a TLS
 *       one, whose reader never ends before the connection does, or one opened while the server closes, gets a new
 *       reader thread instead); for a {@code MessageListener} (no {@code onOpen}) opened by the poller with nothing
 *       to deliver yet, no thread until the peer's first bytes, when the poller starts it ({@code WHEN_READABLE}).
 *       The type the application gave decides, never which methods it overrides.</li>
 *   <li><b>server workers</b> ({@code lifeline-conn-PEER}, renamed {@code lifeline-conn-ID} once open; started by
 *       {@link dev.lifeline.internal.Acceptor#startWorker}): a handler for its connection's life; a TLS handshake;
 *       any part of a plain handshake that may wait or runs application code ({@code processRequest}, the rest of a
 *       101, a refusal and its linger, a failure).</li>
 *   <li><b>short-lived writers</b>, so that the thread that queued bytes does not wait on a peer that does not read:
 *       {@code lifeline-flush-ID} ({@link dev.lifeline.internal.Outgoing#flushIfIdle}, one starting at a time: the
 *       reader's Pong and Close echo, so that it goes on reading; the part of a broadcast's frame that a
 *       non-blocking socket did not take at once, and a TLS connection's broadcast frame; a keepalive Ping and a
 *       deferred batch from the timer thread); {@code lifeline-broadcast} (one per broadcast and 1,024 connections:
 *       writes the frame to those that took it, without waiting for any, see {@link dev.lifeline.internal.Broadcast});
 *       {@code lifeline-close-ID} (the Close frame of {@code close()}, which waits on
 *       {@code closed()} instead, with a bound); {@code lifeline-fail-ID} (the Close of a connection failed for a dead
 *       peer, given one second; a held violation's Close after {@code closeTimeout}).</li>
 *   <li><b>hand-offs from the timer thread</b>, which must not block: {@code lifeline-write-timeout-ID} and
 *       {@code lifeline-close-timeout-ID} drop TCP, {@code lifeline-keepalive-ID} fails a dead peer's connection (both
 *       run the listener's {@code onClose}); {@code lifeline-pong-N} complete Ping futures off the lock.</li>
 * </ul>
 * Application threads call {@code send}, {@code receive}, {@code close}, {@code ping}, {@code abort} and the state
 * getters, from any thread (one receiver at a time). User code (a handler, a listener, a future's callbacks) never
 * runs under a lock of this package; {@code WebSocketMetrics} listeners are the one exception, documented there.
 *
 * <h2>Locks, and their order</h2>
 * One idiom: a {@link java.util.concurrent.locks.ReentrantLock} taken with {@code lock(); try { ... } finally {
 * unlock(); }} (never {@code synchronized}, which pins a virtual thread on JDK 21), waited on through a
 * {@link java.util.concurrent.locks.Condition} with a bound or an interrupt.
 * <ol>
 *   <li><b>{@code ReliableServer}'s and {@code ReliableClient}'s session lock</b> ({@code reliable}'s
 *       {@code SessionCore.lock}) comes before a connection's: its read loop asks {@code ws.state()} while holding it.
 *       Nothing here calls back into the reliable layer, so the reverse order never happens.</li>
 *   <li><b>{@code Outgoing.writeLock}</b> (one per connection): held by the one thread handing bytes to TCP, for as
 *       long as the write takes. It is taken before the connection's lock (a writer takes that lock briefly, to take
 *       the queued bytes and count what it wrote), never after: {@code Outgoing.flush} asserts that its caller does
 *       not hold the connection's lock. The methods that need it end in {@code HoldingWriteLock} and assert it.</li>
 *   <li><b>{@code ProtocolGuard.lock}</b> (the connection's, one per connection, with its condition
 *       {@code changed}): guards the
 *       protocol and everything that moves with it: the inbox or the listener's waiting messages, the bytes queued
 *       for writing, the reader's pause, the Pings awaiting their Pong, the closing timers, a pending high surrogate.
 *       Held only for short work that never blocks on I/O: no socket is read or written under it. It is a leaf: no
 *       other lock is taken while it is held. Every method that must be called with it held ends in {@code Locked}
 *       and asserts it ({@code assert lock.isHeldByCurrentThread()}; the tests run with {@code -ea}).</li>
 * </ol>
 * {@link dev.lifeline.internal.Acceptor} has one more, a leaf taken only while the server closes, to wait for the
 * handshakes in flight. A handshake's phase needs no lock: it is one atomic reference (see below).
 *
 * <h2>The opening handshake on the server</h2>
 * {@link dev.lifeline.internal.OpeningHandshake}, one per accepted socket, a phase and one method per event, the same
 * for the three paths (a plain socket read by the poller, a TLS socket read by a worker, a socket refused for want of
 * a slot):
 * <table>
 *   <caption>Phases, events and their threads</caption>
 *   <tr><th>phase</th><th>event (method)</th><th>thread</th></tr>
 *   <tr><td>(none)</td><td>accepted: a slot taken or not, in the order of arrival</td><td>poller</td></tr>
 *   <tr><td>READING</td><td>bytes arrived ({@code bytesArrived}), until the request is all there</td><td>poller
 *       (plain); the worker, after TLS, with blocking reads and a deadline ({@code readOverTls})</td></tr>
 *   <tr><td>DECIDING</td><td>request complete ({@code requestComplete}): 101 at once if nothing of the
 *       application's runs first and no refusal applies (subprotocol, availability, origin), else {@code decide}
 *       (processRequest, then the protocol's and the server's refusals)</td><td>poller; worker for
 *       {@code decide}</td></tr>
 *   <tr><td>UPGRADING</td><td>upgrade accepted ({@code upgradeAccepted}), 101 written ({@code responseWritten}:
 *       the connection exists); {@code close()} no longer answers it 503 but finds the connection open</td>
 *       <td>poller if the 101 fits in TCP's buffer, else a worker</td></tr>
 *   <tr><td>REFUSING</td><td>upgrade refused ({@code refuse}): the answer, a half-close and a linger of at most a
 *       second</td><td>worker</td></tr>
 *   <tr><td>ENDED</td><td>reached by {@code end()} once: after the 101 or the refusal, on a failure
 *       ({@code failed}: 503 if the server is closing, else a close), or on the open timeout ({@code timedOut},
 *       armed at the accept, plain or TLS: it closes the socket, which ends a TLS worker's blocking read)</td>
 *       <td>whichever thread got there first: the timer's
 *       {@code timedOut} races the driving thread, and the compare-and-set decides</td></tr>
 * </table>
 * The slot is released in {@code end()} only, by the caller whose compare-and-set reached ENDED: exactly once. On a
 * failure or a timeout it is released before the socket is closed (a client that sees the close may come back at
 * once); then the handshake leaves the server's set in flight ({@code Acceptor.ended}, which {@code close()} waits
 * for). The server's {@code close()} calls {@code serverClosing} on each handshake in flight: one still READING or
 * DECIDING gets its input shut, which wakes its read, and {@code failed} answers it 503. Once open, a connection goes
 * to {@code Acceptor.serve} on the same worker (handler; a listener's first reader run), or, opened by the poller for
 * a message listener, waits for its first bytes with no thread ({@code Acceptor.openedOnPoller}).
 *
 * <h2>A received frame, from the socket to {@code state()} and {@code closed()}</h2>
 * {@link dev.lifeline.internal.Reader#run}: read into a {@link dev.lifeline.internal.ReadBuffer}; under the lock,
 * {@code Protocol.receiveData} (the state changes here: a Close makes it CLOSING) and
 * {@link dev.lifeline.internal.Connection#afterProtocolLocked}, which takes the protocol's events (messages to the
 * inbox, Pongs to {@link dev.lifeline.internal.Pings}), starts the close timer, and queues its bytes (a Close echo);
 * then, without the lock, the echo goes to a flush thread and the listener gets the messages. When TCP ends the
 * reader feeds {@code receiveEof} and runs {@link dev.lifeline.internal.Connection#finish}: the socket closes, then
 * {@code closed()} completes and {@code onClose} runs, on the reader. A server does not wait for TCP to end once
 * both Close frames crossed ({@code Protocol.closingHandshakeDone}): its reader stops, writes the Close frame and
 * FIN itself, discards unread input (else the close would be a reset) and finishes at once (RFC 6455 §5.5.1,
 * §7.1.1). A read that fails (a reset) finishes without flushing. Thread hand-offs: none on a blocking transport
 * (its reader is the thread that reads); one on a polled transport, a server's or a client's (the poller starts the
 * reader: the poller must never run the protocol or the listener, or one connection would hold up the others).
 *
 * <h2>A send, from {@code WebSocket.send} to the socket</h2>
 * {@code Connection.send} → {@link dev.lifeline.internal.Sender#send(String)}: under the lock
 * {@link dev.lifeline.internal.Outgoing#awaitRoomLocked} (outbound backpressure), {@code Protocol.sendLent} (the
 * frame), {@code Connection.afterProtocolLocked} → {@link dev.lifeline.internal.Outgoing#queueLocked}; then, without
 * the lock, {@link dev.lifeline.internal.Outgoing#flush} takes the write lock and writes everything queued, by
 * whoever got there first, through the connection's {@link dev.lifeline.internal.Transport#write} (a polled
 * channel's waits for room on the poller; a blocking socket's stream, TLS, waits in the stream). All on the caller's thread; a reply sent while more received messages wait is deferred and written with the
 * next ones before the receiving thread blocks (batching).
 *
 * <h2>Interruption</h2>
 * An interrupted wait in {@code send} (for room below {@code writeLimit}), {@code receive} (for a message),
 * {@code close} (for the closing handshake) or a client's opening throws
 * {@link dev.lifeline.OperationInterruptedException} and leaves the thread's interrupt status set (a client's opening
 * waits with blocking I/O on the calling thread, also for {@code ws://}: its socket goes under the poller only once
 * open). A write already
 * handing bytes to TCP is not abandoned midway (that would corrupt the stream): through the poller
 * ({@code Transport.Polled.write}: every plain socket, server or client) it goes on, bounded by {@code writeTimeout},
 * with the interrupt kept pending; in a blocking (TLS) socket's stream the JDK closes the socket of a virtual thread
 * interrupted there, so the connection is
 * lost and the send throws the same exception with the {@code ConnectionClosedException} as its cause. The
 * library's own threads are never interrupted by it; the server's {@code close} interrupts the handlers that
 * outlive its bound, after it dropped their connections.
 *
 * <h2>Time</h2>
 * Every bound that a connection or a server keeps by itself (the open timeout, keepalive Pings and their timeout, the
 * closing timeouts, the write watchdog, the accept back-off) is a {@link dev.lifeline.internal.Timers} entry and
 * reads its instance's clock, so that a test steps it. The waits that bound a caller's own blocking call read
 * {@code System.nanoTime()} instead, on purpose: they wait on a socket read with a timeout or on another thread,
 * which only real time can end, and a stepped clock has no thread to wake them. They are the server's
 * {@code close(timeout)} ({@code Acceptor.close}: it joins the closers and workers and awaits the handshakes in
 * flight), a refusal's linger ({@code Opening.answerAndClose}: socket reads until a deadline), a client's opening
 * ({@code ClientOpening}: socket timeouts until its deadline; a polled client's channel, which has none, is closed at
 * the deadline by a task of the shared {@code Timers}, on {@code System.nanoTime()} too), a read with a deadline
 * ({@code Transport.read}) and the poller's bound on a server channel's deregistration.
 *
 * <p>Nothing here is API: {@code dev.lifeline} is. Nothing in this package may depend on the reliable layer.
 */
package dev.lifeline.internal;
