package dev.lifeline.internal;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * The JDK Flight Recorder events of the websocket module, for the rare and costly things. They are off unless a
 * recording enables them ({@code jcmd <pid> JFR.start}); each is committed only if {@code shouldCommit()}. Close
 * codes are 0 where there was no Close frame. Committed on the connection's threads.
 */
final class Events {
    private Events() {
    }

    @Name("dev.lifeline.ConnectionOpened")
    @Label("WebSocket Connection Opened")
    @Category({"Lifeline", "WebSocket"})
    @StackTrace(false)
    static final class ConnectionOpened extends Event {
        @Label("Connection") String id;
        @Label("Side") String side;
        @Label("Remote Address") String remote;
        @Label("Handshake Duration") @Timespan(Timespan.NANOSECONDS) long handshake;
    }

    @Name("dev.lifeline.ConnectionClosed")
    @Label("WebSocket Connection Closed")
    @Category({"Lifeline", "WebSocket"})
    @StackTrace(false)
    static final class ConnectionClosed extends Event {
        @Label("Connection") String id;
        @Label("Side") String side;
        @Label("Open For") @Timespan(Timespan.NANOSECONDS) long openFor;
        @Label("Close Code Sent") @Description("0: no Close frame sent") int codeSent;
        @Label("Close Code Received") @Description("0: no Close frame received") int codeReceived;
        @Label("Closed First By") @Description("US, PEER, or NEITHER (TCP ended without a Close frame)")
        String closedFirst;
    }

    @Name("dev.lifeline.HandshakeRefused")
    @Label("WebSocket Handshake Refused")
    @Category({"Lifeline", "WebSocket"})
    @StackTrace(false)
    static final class HandshakeRefused extends Event {
        @Label("Connection") String id;
        @Label("HTTP Status") int status;
        @Label("Reason") String reason;
    }

    @Name("dev.lifeline.KeepaliveFailed")
    @Label("WebSocket Keepalive Failed")
    @Category({"Lifeline", "WebSocket"})
    @Description("A Ping went unanswered for pingTimeout: the peer is taken for dead, the connection fails with 1011")
    @StackTrace(false)
    static final class KeepaliveFailed extends Event {
        @Label("Connection") String id;
        @Label("Side") String side;
        @Label("Ping Timeout") @Timespan(Timespan.NANOSECONDS) long pingTimeout;
    }

    @Name("dev.lifeline.WriteStalled")
    @Label("WebSocket Write Stalled")
    @Category({"Lifeline", "WebSocket"})
    @Description("A write stayed blocked longer than writeTimeout (the peer does not read): TCP is dropped")
    @StackTrace(false)
    static final class WriteStalled extends Event {
        @Label("Connection") String id;
        @Label("Side") String side;
        @Label("Write Timeout") @Timespan(Timespan.NANOSECONDS) long writeTimeout;
    }

    @Name("dev.lifeline.ReaderPaused")
    @Label("WebSocket Reader Paused")
    @Category({"Lifeline", "WebSocket"})
    @Description("The reader stopped reading the socket: maxQueue received messages wait for the application")
    @StackTrace(false)
    static final class ReaderPaused extends Event {
        @Label("Connection") String id;
        @Label("Side") String side;
    }
}
