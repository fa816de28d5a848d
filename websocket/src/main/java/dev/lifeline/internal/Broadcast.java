package dev.lifeline.internal;

import dev.lifeline.Message;
import dev.lifeline.protocol.SharedMessage;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One message to many server connections ({@code WebSocketServer.broadcast}), at the cost of one encoding rather
 * than one per connection, and without waiting for any peer.
 *
 * <ul>
 *   <li><b>Encoded once.</b> The message becomes one {@link SharedMessage}: its text is turned into UTF-8 once, and
 *       its frame is encoded once for the connections without extensions and once for those with permessage-deflate
 *       without context takeover on the server's side (compressed once: each message is compressed on its own, RFC
 *       7692 §7.1.1.1). A server does not mask (RFC 6455 §5.1), so every such connection queues a view of the same
 *       bytes. A connection with context takeover compresses it with its own zlib stream, as a send would.</li>
 *   <li><b>A slow peer slows nobody.</b> A connection takes the frame only while at most {@code writeLimit} bytes
 *       wait to be written to it, so its queue holds at most {@code writeLimit} plus one message. A peer that does
 *       not read misses whole messages (never part of one), each counted in
 *       {@link dev.lifeline.WebSocketMetrics#broadcastDropped}, until the write watchdog drops it after
 *       {@code writeTimeout}. A connection whose application is sending a fragmented message misses the message
 *       too, counted alike (a frame cannot go between its fragments).</li>
 *   <li><b>Queued by the broadcasting thread, written by a few writers.</b> The broadcasting thread only takes
 *       each connection's lock, briefly, to queue the frame. Every 1,024 connections that took it get a virtual
 *       thread, {@code lifeline-broadcast}, started as soon as they have (it writes while the next ones are queued),
 *       that goes over them in the same order and writes what each has queued (see
 *       {@link Outgoing#writeWithoutWaiting}): on a non-blocking socket (a server's without TLS) that no other
 *       thread is writing, with one non-blocking write. Only what TCP does not take at once (a peer slow to read)
 *       is left to a flush thread of that connection ({@link Outgoing#flushIfIdle}), which writes it before
 *       anything queued later; a connection another thread is writing gets the frame from that thread; a TLS
 *       connection's socket blocks, so a flush thread writes it. Broadcasts that follow each other faster than the
 *       writers go round are written together: a writer writes every frame a connection has queued by the time it
 *       gets there, and the next broadcast's writer finds nothing left. A broadcast that comes after a pause yields to
 *       each writer as it starts ({@link Round}: on one core the first frames then go out after the first 1,024
 *       connections are queued, not after all). A broadcast to n connections thus costs n / 1,024 threads and at
 *       most n small writes, not n threads.</li>
 *   <li><b>No garbage per connection.</b> Every connection of an encoding queues the same frame, one
 *       {@code Outbound.Data} ({@code Protocol.sendSharedFrame}): nothing is allocated per connection to queue it
 *       (no view, no list), since nothing here moves a queued buffer's position. A writer copies each connection's
 *       queued frames into a direct buffer of its own, reused from connection to connection (at most
 *       {@value #SCRATCH_BYTES} bytes; a larger frame is written as it is), and hands them to TCP from there: no
 *       list, view or temporary direct buffer per write. With 10,000 subscribers each byte saved per delivery is
 *       10 KB less per broadcast, and young collections, which pause the writers in the middle of a fan-out, come
 *       that much less often.</li>
 * </ul>
 * Threads: any thread may broadcast. Broadcasts made one after the other arrive in that order on every connection
 * that takes them; two made at once from different threads may arrive in either order, not the same everywhere.
 */
final class Broadcast {
    /** What became of a broadcast message on one connection. */
    enum Offer {
        /** Queued; the broadcast's writer writes it. */
        QUEUED,
        /** Not queued: more than {@code writeLimit} bytes wait (a slow reader), or a fragmented send is under way. */
        DROPPED,
        /** Not queued: the connection is closing or closed. */
        NOT_OPEN
    }

    /** A connection as a broadcast sees it (the server's connections). */
    interface Peer {
        /** Queues the message's frame unless this peer is slow or closed, and counts it as sent or dropped. */
        Offer offer(SharedMessage message);

        /** Writes what is queued without waiting for the peer (see {@link Outgoing#writeWithoutWaiting}). */
        void writeWithoutWaiting(ByteBuffer scratch);

        String id();
    }

    /**
     * A writer per this many connections that took a broadcast, started as soon as they have: it writes while the
     * broadcasting thread queues for the next ones (on another core, if there is one free), and a few connections are
     * not worth a second thread.
     */
    private static final int CONNECTIONS_PER_WRITER = 1024;

    /** A writer's direct buffer: frames up to this size (together) are copied there and written from it. */
    private static final int SCRATCH_BYTES = 64 * 1024;
    /** How many writers' buffers are kept for the next writers; more writers at once allocate more, then drop them. */
    private static final int SCRATCH_KEPT = 2 * Runtime.getRuntime().availableProcessors();
    /** The writers' buffers between writers: each is used by one writer at a time. */
    private static final Queue<ByteBuffer> SCRATCH = new ConcurrentLinkedQueue<>();

    /** When the last broadcast began ({@link System#nanoTime}), and how long the one before took to be written. */
    private static volatile long lastStart = System.nanoTime() - Long.MAX_VALUE / 4;
    private static volatile long lastDuration;
    /** Writers started and not finished, of every broadcast. */
    private static final AtomicInteger WRITING = new AtomicInteger();

    private Broadcast() {
    }

    /**
     * Queues {@code message} for each of {@code connections} that is open and keeping up, and starts the writer of
     * those that took it.
     *
     * @return how many connections it was queued for
     */
    static int send(Iterable<? extends Peer> connections, Message message) {
        return send(connections, switch (message) {
            case Message.Text t -> SharedMessage.text(t.text());
            case Message.Binary b -> SharedMessage.binary(ByteBuffer.wrap(b.data()));
        });
    }

    /** {@link #send(Iterable, Message)} of a message already made shareable. */
    static int send(Iterable<? extends Peer> connections, SharedMessage message) {
        Round round = Round.begin();
        int total = 0;
        List<Peer> share = new ArrayList<>(CONNECTIONS_PER_WRITER);
        for (Peer c : connections) {
            if (c.offer(message) == Offer.QUEUED) {
                share.add(c);
            }
            if (share.size() == CONNECTIONS_PER_WRITER) {
                total += write(share, round);
                share = new ArrayList<>(CONNECTIONS_PER_WRITER);
            }
        }
        total += write(share, round);
        round.queued();
        return total;
    }

    /**
     * One broadcast's writers: whether it yields to each as it starts, and, once the last is done, how long the
     * broadcast took to be written ({@code lastDuration}).
     *
     * <p>Why yield, and when. On one core (or with every carrier busy) a writer cannot run before the broadcasting
     * thread, virtual, lets go of its carrier: without a yield no frame would go out before every connection has
     * queued it (7 to 12 ms for 10,000). Yielding to each writer as it starts sends the first frames at once. But
     * broadcasts that follow each other faster than they are written must not yield: their writers then find several
     * frames queued per connection and write them with one system call, which is what makes a burst cheap; a yield
     * per writer would write each frame on its own. So a broadcast yields only when it comes after a pause: the one
     * before began more than twice its writing time ago and no writer is at work.
     */
    private static final class Round {
        private final long start;
        private final boolean spaced;
        /** Writers of this round not finished, plus one until the broadcasting thread has queued every connection. */
        private final AtomicInteger unfinished = new AtomicInteger(1);

        private Round(long start, boolean spaced) {
            this.start = start;
            this.spaced = spaced;
        }

        static Round begin() {
            long now = System.nanoTime();
            boolean spaced = now - lastStart > 2 * lastDuration && WRITING.get() == 0;
            lastStart = now;
            return new Round(now, spaced);
        }

        void writerStarted() {
            unfinished.incrementAndGet();
            WRITING.incrementAndGet();
        }

        void writerDone() {
            WRITING.decrementAndGet();
            done();
        }

        void queued() {
            done();
        }

        private void done() {
            if (unfinished.decrementAndGet() == 0) {
                lastDuration = System.nanoTime() - start;
            }
        }
    }

    /** Starts the writer of {@code share}, the connections that queued the frame: returns how many they are. */
    private static int write(List<Peer> share, Round round) {
        if (!share.isEmpty()) {
            round.writerStarted();
            Thread.ofVirtual().name("lifeline-broadcast").start(() -> {
                try {
                    writeAll(share);
                } finally {
                    round.writerDone();
                }
            });
            if (round.spaced) {
                Thread.yield(); // see Round
            }
        }
        return share.size();
    }

    /** A writer: writes what each of {@code share} has queued, through a direct buffer of its own. */
    private static void writeAll(List<Peer> share) {
        ByteBuffer scratch = SCRATCH.poll();
        if (scratch == null) {
            scratch = ByteBuffer.allocateDirect(SCRATCH_BYTES);
        }
        for (Peer c : share) {
            try {
                c.writeWithoutWaiting(scratch);
            } catch (RuntimeException e) { // a bug for one connection leaves the others' frames written
                SafeLog.log(Level.ERROR, "lifeline-broadcast: writing to " + c.id() + " failed", e);
            }
        }
        if (SCRATCH.size() < SCRATCH_KEPT) {
            SCRATCH.offer(scratch);
        }
    }
}
