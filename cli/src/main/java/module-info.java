/**
 * The {@code lifeline} command: {@code serve} (an echo or chat server with a demo page) and {@code connect} (an
 * interactive client that also works in pipes).
 */
module dev.lifeline.cli {
    requires dev.lifeline;
    requires info.picocli;

    // picocli fills the commands' option fields by reflection
    opens dev.lifeline.cli to info.picocli;
}
