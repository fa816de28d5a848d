package dev.lifeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The read buffer grows with full reads and gives memory back after a run of small ones. */
class ReadBufferTest {
    @Test
    void startsSmallAndDoublesAfterEachFullReadUpTo64KiB() {
        ReadBuffer buffer = new ReadBuffer();
        assertThat(buffer.capacity()).isEqualTo(512);
        for (int i = 0; i < 20; i++) {
            buffer.adapt(buffer.capacity());
        }
        assertThat(buffer.capacity()).isEqualTo(64 * 1024);
    }

    @Test
    void halvesAfterFourReadsThatUsedLessThanAQuarter() {
        ReadBuffer buffer = new ReadBuffer();
        buffer.adapt(512);
        buffer.adapt(1024);
        assertThat(buffer.capacity()).isEqualTo(2048);
        buffer.adapt(100);
        buffer.adapt(100);
        buffer.adapt(100);
        assertThat(buffer.capacity()).isEqualTo(2048);
        buffer.adapt(100);
        assertThat(buffer.capacity()).isEqualTo(1024);
    }

    @Test
    void aMediumReadBreaksTheRunOfSmallOnes() {
        ReadBuffer buffer = new ReadBuffer();
        buffer.adapt(512);
        buffer.adapt(100);
        buffer.adapt(100);
        buffer.adapt(100);
        buffer.adapt(600);
        buffer.adapt(100);
        assertThat(buffer.capacity()).isEqualTo(1024);
    }

    @Test
    void neverShrinksBelow512Bytes() {
        ReadBuffer buffer = new ReadBuffer();
        for (int i = 0; i < 10; i++) {
            buffer.adapt(1);
        }
        assertThat(buffer.capacity()).isEqualTo(512);
    }

    @Test
    void aChannelsBufferIsDirectAndStaysDirectWhenItGrows() {
        ReadBuffer buffer = new ReadBuffer(true);
        assertThat(buffer.isDirect()).isTrue();
        buffer.adapt(buffer.capacity());
        assertThat(buffer.capacity()).isEqualTo(1024);
        assertThat(buffer.isDirect()).isTrue();
        assertThat(new ReadBuffer().isDirect()).isFalse();
    }
}
