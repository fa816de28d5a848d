/**
 * Test tools shared by the connection tests and, later, the reliable layer's chaos tests: peers on bare sockets
 * that break the protocol on purpose ({@link dev.lifeline.testing.RawPeer}, {@link dev.lifeline.testing.RawServer}),
 * a TCP proxy that stalls, delays and cuts connections ({@link dev.lifeline.testing.ChaosProxy}), self-signed TLS
 * ({@link dev.lifeline.testing.TestTls}), leak counting ({@link dev.lifeline.testing.Census}), thread starts
 * ({@link dev.lifeline.testing.ThreadStarts}) and log capture ({@link dev.lifeline.testing.LogCapture}). No Lifeline
 * connection code lives here: these tools must not share the bugs of what they test.
 */
package dev.lifeline.testing;
