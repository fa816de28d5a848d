package dev.lifeline.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The read buffer grows with full reads and gives memory back after a run of small ones. */
class ReadBufferTest {
    @Test
    void startsSmallAndDoublesAfterEachFullReadUpTo64KiB() {
        ReadBuffer buffer = new ReadBuffer(false);
        assertThat(buffer.capacity()).isEqualTo(512);
        for (int i = 0; i < 20; i++) {
            buffer.adapt(buffer.capacity());
        }
        assertThat(buffer.capacity()).isEqualTo(64 * 1024);
    }

    @Test
    void halvesAfterFourReadsThatUsedLessThanAQuarter() {
        ReadBuffer buffer = new ReadBuffer(false);
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
        ReadBuffer buffer = new ReadBuffer(false);
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
        ReadBuffer buffer = new ReadBuffer(false);
        for (int i = 0; i < 10; i++) {
            buffer.adapt(1);
        }
        assertThat(buffer.capacity()).isEqualTo(512);
    }

    @Test
    void aChannelsBufferIsADirectOneBorrowedForOneRunAndGivenBackWhenIdle() throws IOException {
        ReadBuffer buffer = new ReadBuffer(true);
        assertThat(buffer.capacity()).as("idle: holds no buffer").isZero();
        int n = buffer.read(Channels.newChannel(new ByteArrayInputStream(bytes("hello"))));
        ByteBuffer filled = buffer.filled(n);
        assertThat(filled.isDirect()).isTrue();
        assertThat(StandardCharsets.US_ASCII.decode(filled).toString()).isEqualTo("hello");
        buffer.adapt(n);
        assertThat(buffer.capacity()).as("never resized").isEqualTo(ReadBuffer.MAX);
        buffer.release();
        assertThat(buffer.capacity()).isZero();
        n = buffer.read(Channels.newChannel(new ByteArrayInputStream(bytes("again"))));
        assertThat(StandardCharsets.US_ASCII.decode(buffer.filled(n)).toString()).isEqualTo("again");
    }

    @Test
    void aStreamsBufferIsOnTheHeap() throws IOException {
        ReadBuffer buffer = new ReadBuffer(false);
        int n = buffer.read(new ByteArrayInputStream(bytes("hi")));
        assertThat(buffer.filled(n).isDirect()).isFalse();
        buffer.release();
        assertThat(buffer.capacity()).as("release keeps a stream's own buffer").isEqualTo(ReadBuffer.MIN);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
