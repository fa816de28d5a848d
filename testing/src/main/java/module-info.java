/**
 * Test fixtures shared by the tests of every Lifeline module (a test-scoped dependency, never deployed). JDK only:
 * no Lifeline connection code, so that the tools do not share the bugs of what they test, and no JUnit, so that a
 * child JVM started by a test can use them too.
 */
module dev.lifeline.testing {
    requires java.logging;
    requires java.management;
    requires jdk.jfr;
    requires jdk.management;

    exports dev.lifeline.testing;
}
