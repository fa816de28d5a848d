/**
 * The {@code lifeline} command: {@code serve} (an echo or chat server with a demo page) and {@code connect} (an
 * interactive client that also works in pipes), both
 * also with reliable sessions ({@code --reliable}); several {@code serve} nodes share chat through Redis
 * ({@code --redis}).
 */
module dev.lifeline.cli {
    requires dev.lifeline;
    requires dev.lifeline.reliable;
    requires dev.lifeline.journal;
    requires dev.lifeline.micrometer;
    requires micrometer.registry.prometheus;
    requires dev.lifeline.redis;
    requires info.picocli;
    requires java.logging;

    // picocli fills the commands' option fields by reflection
    opens dev.lifeline.cli to info.picocli;
}
