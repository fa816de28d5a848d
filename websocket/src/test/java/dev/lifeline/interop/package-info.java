/**
 * Interoperability with real peer libraries (RFC 6455 end to end): our client against Jetty and Netty servers,
 * the JDK's {@code java.net.http.WebSocket}, Jetty, OkHttp and Java-WebSocket clients against our server.
 *
 * <p>Each scenario is written once, as default test methods of {@link dev.lifeline.interop.InteropScenarios} and
 * {@link dev.lifeline.interop.PeerFramingScenarios}; one test class per peer opens a {@link
 * dev.lifeline.interop.Link} (our end, their end) and declares which scenarios its peer's API can take part in.
 * A {@link dev.lifeline.interop.Peer} adapter drives the other library and records what it reports (messages,
 * pongs, the Close frame it received). Everything runs on 127.0.0.1 with ephemeral ports and bounded waits.
 */
package dev.lifeline.interop;
