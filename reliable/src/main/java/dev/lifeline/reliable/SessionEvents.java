package dev.lifeline.reliable;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * The flight recorder's events of reliable sessions, and what tells them and the {@link SessionMetrics}. Events are
 * off unless a recording enables them ({@code jcmd <pid> JFR.start}).
 */
final class SessionEvents {
    private SessionEvents() {
    }

    @Name("dev.lifeline.SessionJoined")
    @Label("Reliable Session Joined")
    @Category({"Lifeline", "Reliable"})
    @Description("A connection joined a session: RESUMED, or NEW (with resumeAsked: the old session was gone)")
    @StackTrace(false)
    static final class Joined extends Event {
        @Label("Session") String session;
        @Label("Connection") String connection;
        @Label("Outcome") String outcome;
        @Label("Resume Asked") boolean resumeAsked;
    }

    @Name("dev.lifeline.SessionExpired")
    @Label("Reliable Session Expired")
    @Category({"Lifeline", "Reliable"})
    @Description("No connection came back within the resume window; the unacknowledged messages are lost")
    @StackTrace(false)
    static final class Expired extends Event {
        @Label("Session") String session;
        @Label("Unacknowledged Messages") int unacknowledged;
    }

    static void joined(SessionMetrics metrics, String session, String connection, SessionOutcome.Kind outcome,
            boolean resumeAsked) {
        Joined event = new Joined();
        if (event.shouldCommit()) {
            event.session = session;
            event.connection = connection;
            event.outcome = outcome.name();
            event.resumeAsked = resumeAsked;
            event.commit();
        }
        metrics.joined(outcome, resumeAsked); // last: whoever sees it counted finds the event recorded
    }

    static void expired(SessionMetrics metrics, String session, int unacknowledged) {
        Expired event = new Expired();
        if (event.shouldCommit()) {
            event.session = session;
            event.unacknowledged = unacknowledged;
            event.commit();
        }
        metrics.expired(unacknowledged); // last, as in joined
    }
}
