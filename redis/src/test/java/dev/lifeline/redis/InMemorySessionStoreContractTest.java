package dev.lifeline.redis;

import dev.lifeline.reliable.InMemorySessionStore;
import dev.lifeline.reliable.SessionStore;
import java.time.Duration;

/** The session store contract, kept by the default store. */
class InMemorySessionStoreContractTest extends SessionStoreContract {
    @Override
    SessionStore newStore(Duration window) {
        return new InMemorySessionStore(window, 100);
    }
}
