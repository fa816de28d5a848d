// The Java clients' reconnect policy, in JavaScript, for the demo page's plain mode. It mirrors the Java classes
// Backoff (its DEFAULT numbers and its delay()) and ReconnectPolicy (standard() and isRetryable()): change them
// together. DemoPageReconnectBrowserIT runs both side by side.
//
// What a browser cannot mirror: it does not see the HTTP status of a refused handshake (a 4xx, which the Java
// client gives up on, looks like a network error: the socket closes with 1006 before it opens), nor Retry-After;
// so a connection that never opened is always retried, as Failure.Unreachable is.

/** Backoff.DEFAULT, in ms. */
export const BACKOFF = Object.freeze({ firstMax: 5000, initial: 1000, factor: 2, cap: 60000 });

/** ReconnectPolicy.RETRYABLE_CODES: going away, abnormal closure (dropped), internal error, service restart, try
 * again later, bad gateway. */
export const RETRYABLE_CODES = Object.freeze(new Set([1001, 1006, 1011, 1012, 1013, 1014]));

/**
 * Backoff.delay: the delay in ms before retry number `attempt` (1 for the first retry after a loss). The first
 * waits a random delay in [0, firstMax), so that clients dropped together do not come back together (RFC 6455
 * §7.2.3); retry n ≥ 2 waits min(cap, initial × factor^(n-2)), jittered down by up to half.
 *
 * @param random returns a number in [0, 1), as Math.random does (a test passes its own)
 */
export function delay(attempt, random = Math.random, backoff = BACKOFF) {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempts count from 1: ${attempt}`);
  if (attempt === 1) return Math.floor(random() * backoff.firstMax);
  const ceiling = Math.floor(Math.min(backoff.cap, backoff.initial * backoff.factor ** (attempt - 2)));
  return ceiling - Math.floor(random() * (Math.floor(ceiling / 2) + 1));
}

/** ReconnectPolicy.isRetryable for a connection that ended with `code` (1006 when it was dropped). */
export function isRetryable(code) {
  return RETRYABLE_CODES.has(code);
}

/**
 * ReconnectPolicy.standard().decide: {retry: true, delay} or {retry: false, reason}.
 *
 * @param failure {opened: false} when the connection never opened (Failure.Unreachable), or {opened: true, code}
 *        when an open connection ended (Failure.Disconnected)
 * @param attempt failures in a row, counting this one, since a connection last opened (1, 2...)
 */
export function decide(failure, attempt, random = Math.random) {
  if (failure.opened && !isRetryable(failure.code)) return { retry: false, reason: 'not retryable' };
  return { retry: true, delay: delay(attempt, random) };
}
