/** Reliable sessions and broadcast shared by several Lifeline server nodes through Redis. */
module dev.lifeline.redis {
    requires transitive dev.lifeline.reliable;
    requires lettuce.core;
    exports dev.lifeline.redis;
}
