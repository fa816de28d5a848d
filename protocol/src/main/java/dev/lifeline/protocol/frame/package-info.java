/**
 * Frames of RFC 6455 §5: parsing ({@link dev.lifeline.protocol.frame.FrameDecoder}), serialization
 * ({@link dev.lifeline.protocol.frame.FrameEncoder}), masking and UTF-8 validation. Pure functions on bytes:
 * no state machine (that is {@link dev.lifeline.protocol.Protocol}), no I/O, no clock.
 */
package dev.lifeline.protocol.frame;
