/**
 * The reliable layer: a session that survives reconnects, with acknowledged, exactly-once, in-order delivery in both
 * directions. Session logic is pure (no threads, no sockets); clients and servers wire it to connections.
 */
package dev.lifeline.reliable;
