/** Reliable sessions that survive a restart of one Lifeline server node, kept in an embedded SQLite database. */
module dev.lifeline.journal {
    requires transitive dev.lifeline.reliable;
    requires java.sql;
    requires org.xerial.sqlitejdbc;
    exports dev.lifeline.journal;
}
