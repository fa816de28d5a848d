/**
 * {@link dev.lifeline.journal.JournalSessionStore}: a {@link dev.lifeline.reliable.SessionStore} that saves every
 * session of one server node in an SQLite database in a state directory, so that its clients resume their sessions
 * after the node restarts. See docs/topics/reliable-guarantees.md for what each fsync policy promises.
 */
package dev.lifeline.journal;
