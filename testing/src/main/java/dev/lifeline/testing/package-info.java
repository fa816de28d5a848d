/**
 * The test fixtures every module's tests share (module {@code testing}, a test-scoped dependency): peers on bare
 * sockets that break the protocol on purpose ({@link dev.lifeline.testing.RawPeer},
 * {@link dev.lifeline.testing.RawServer}), one TCP proxy that stalls, delays, cuts, refuses, retargets, balances
 * round robin and mutes connections ({@link dev.lifeline.testing.ChaosProxy}), TLS material made by the JDK's
 * keytool (self-signed, {@link dev.lifeline.testing.TestTls}; a CA and PEM files,
 * {@link dev.lifeline.testing.TestCertificates}), leak counting ({@link dev.lifeline.testing.Census}), thread starts
 * ({@link dev.lifeline.testing.ThreadStarts}), log capture ({@link dev.lifeline.testing.LogCapture}) and a bounded
 * wait for a condition ({@link dev.lifeline.testing.Await}). No Lifeline code lives here, only the JDK: these tools
 * must not share the bugs of what they test. No JUnit either: a test's child JVM may use them.
 */
package dev.lifeline.testing;
