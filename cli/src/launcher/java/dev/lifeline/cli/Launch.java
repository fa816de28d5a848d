package dev.lifeline.cli;

/**
 * The runnable jar's Main-Class, compiled for Java 8 (see the cli pom) so that an older Java can run it far enough
 * to say what is wrong: one line, {@code Lifeline needs Java 21 or newer; this is Java 17 (/usr/lib/jvm/...)}, and
 * exit status 125 like the {@code ./lifeline} launcher's, instead of the {@code UnsupportedClassVersionError} of
 * the first class compiled for 21. On Java 21 or newer it runs {@link Main}.
 */
public final class Launch {
    /** The oldest Java that runs Lifeline. */
    static final int REQUIRED = 21;
    /** What the launcher also exits with when it cannot run the command. */
    static final int CANNOT_RUN = 125;

    private Launch() {
    }

    public static void main(String[] args) {
        String version = System.getProperty("java.specification.version", "");
        if (feature(version) < REQUIRED) {
            System.err.println("Lifeline needs Java " + REQUIRED + " or newer; this is Java " + version + " ("
                    + System.getProperty("java.home") + ")");
            System.exit(CANNOT_RUN);
        }
        Main.main(args); // linked only now: Main and everything it uses are compiled for 21
    }

    /** The feature release of a {@code java.specification.version}: {@code 1.8} is 8, {@code 17} is 17. */
    static int feature(String specification) {
        String v = specification.startsWith("1.") ? specification.substring(2) : specification;
        int end = 0;
        while (end < v.length() && Character.isDigit(v.charAt(end))) {
            end++;
        }
        return end == 0 ? 0 : Integer.parseInt(v.substring(0, end));
    }
}
