package dev.lifeline.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Deciding, from an entry's sequence number and stream id, whether to deliver it, ignore it or read the log. */
class ContinuityTest {
    private static StreamId id(long millis) {
        return new StreamId(millis, 0);
    }

    @Test
    void theNextLiveEntryIsDeliveredAndOneSeenAlreadyIsIgnored() {
        Continuity c = new Continuity(4, id(40));
        assertThat(c.live(5, id(50))).isEqualTo(Continuity.Decision.DELIVER);
        assertThat(c.live(5, id(50))).isEqualTo(Continuity.Decision.DUPLICATE);
        assertThat(c.live(3, id(30))).isEqualTo(Continuity.Decision.DUPLICATE);
        assertThat(c.lastSeq()).isEqualTo(5);
    }

    @Test
    void aLiveEntryAfterAGapIsNotDeliveredButSendsTheNodeToTheLog() {
        Continuity c = new Continuity(4, id(40));
        assertThat(c.live(7, id(70))).isEqualTo(Continuity.Decision.REFILL);
        assertThat(c.lastSeq()).as("nothing counted").isEqualTo(4);
        assertThat(c.fromLog(5, id(50)).nothing()).isTrue();
        assertThat(c.fromLog(6, id(60)).nothing()).isTrue();
        assertThat(c.fromLog(7, id(70)).nothing()).isTrue();
        assertThat(c.live(7, id(70))).isEqualTo(Continuity.Decision.DUPLICATE);
    }

    @Test
    void entriesTrimmedFromTheLogBeforeTheNodeReadThemAreFoundMissing() {
        Continuity c = new Continuity(4, id(40));
        assertThat(c.fromLog(9, id(90))).isEqualTo(new Continuity.Found(5, 8, 0));
        assertThat(c.lastSeq()).isEqualTo(9);
    }

    @Test
    void aCountThatWentBackIsFoundAsRedisForgettingAndItsNewEntriesAreStillDelivered() {
        Continuity c = new Continuity(500, id(40));
        assertThat(c.live(1, id(41))).as("a restarted Redis numbers from 1 again").isEqualTo(
                Continuity.Decision.REFILL);
        assertThat(c.fromLog(1, id(41))).isEqualTo(new Continuity.Found(0, 0, 500));
        assertThat(c.live(2, id(42))).isEqualTo(Continuity.Decision.DELIVER);
    }

    @Test
    void streamIdsOrderByTimeThenNumber() {
        assertThat(StreamId.parse("1700000000000-3")).isEqualTo(new StreamId(1_700_000_000_000L, 3));
        assertThat(StreamId.parse("5-9")).isLessThan(StreamId.parse("6-0"));
        assertThat(StreamId.parse("6-1")).isGreaterThan(StreamId.parse("6-0"));
    }
}
