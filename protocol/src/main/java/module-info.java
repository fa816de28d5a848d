/**
 * Sans-I/O RFC 6455 / RFC 7692: bytes in, events and bytes out. JDK only: no sockets, threads, clocks or logging.
 */
module dev.lifeline.protocol {
    exports dev.lifeline.protocol;
    exports dev.lifeline.protocol.frame;
    exports dev.lifeline.protocol.handshake;
    exports dev.lifeline.protocol.extension;
}
