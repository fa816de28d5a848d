/**
 * {@link dev.lifeline.journal.JournalSessionStore}: a {@link dev.lifeline.reliable.SessionStore} that saves every
 * session of one server node in an SQLite database in a state directory, so that its clients resume their sessions
 * after the node restarts; {@link dev.lifeline.journal.SqliteClientJournal}: a
 * {@link dev.lifeline.reliable.ClientJournal} on the same database, so that a client's session survives the client
 * process. See docs/topics/reliable-guarantees.md for what each fsync policy promises.
 */
package dev.lifeline.journal;
