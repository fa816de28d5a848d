package dev.lifeline.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Realistic compressible text: JSON documents of exactly {@code size} bytes, each a batch of events with varying
 * ids, users, pages, times and numbers, as an application might push them. Deterministic from a seed; a document
 * compresses on its own (no context from earlier ones) about 3 times with zlib's default level.
 */
final class JsonRecords {
    private static final String[] TYPES = {"click", "view", "scroll", "purchase", "login", "search"};
    private static final String[] REGIONS = {"eu-west-1", "us-east-2", "ap-south-1", "sa-east-1"};
    private static final String[] DEVICES = {"mobile", "desktop", "tablet"};
    private static final String NOTE = "events sampled at 1/10; times in UTC; latency measured at the edge. ";

    private JsonRecords() {
    }

    /** {@code count} different documents of {@code size} bytes (ASCII) from {@code seed}. */
    static byte[][] generate(int count, int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[][] documents = new byte[count][];
        for (int i = 0; i < count; i++) {
            documents[i] = document(i, size, random);
        }
        return documents;
    }

    private static byte[] document(int index, int size, SplittableRandom random) {
        StringBuilder json = new StringBuilder(size).append("{\"batch\":").append(index).append(",\"events\":[");
        String close = "],\"note\":\"\"}";
        long id = random.nextInt(1 << 30);
        long millis = random.nextLong(86_400_000L);
        while (true) {
            id += 1 + random.nextInt(3);
            millis += random.nextInt(500);
            String event = event(id, millis, random);
            int separator = json.charAt(json.length() - 1) == '[' ? 0 : 1;
            if (json.length() + separator + event.length() + close.length() > size) {
                break;
            }
            json.append(separator == 1 ? "," : "").append(event);
        }
        json.append("],\"note\":\"");
        for (int i = 0; json.length() + 2 < size; i++) {
            json.append(NOTE.charAt(i % NOTE.length()));
        }
        json.append("\"}");
        if (json.length() != size) {
            throw new IllegalArgumentException("no document of " + size + " bytes: too small for one event");
        }
        return json.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** One event: ids and times increase within a batch, users and pages come from a few hundred. */
    private static String event(long id, long millis, SplittableRandom random) {
        return String.format(Locale.ROOT, "{\"id\":\"evt-%010d\",\"user\":\"user-%04d\",\"type\":\"%s\","
                + "\"page\":\"/products/%d\",\"ts\":\"2026-11-25T%02d:%02d:%02d.%03dZ\",\"latency_ms\":%d,"
                + "\"ok\":%b,\"device\":\"%s\",\"region\":\"%s\",\"schema\":\"analytics.event.v2\"}",
                id, random.nextInt(300), TYPES[random.nextInt(TYPES.length)], 1000 + random.nextInt(200),
                millis / 3_600_000 % 24, millis / 60_000 % 60, millis / 1000 % 60, millis % 1000,
                random.nextInt(400), random.nextInt(10) != 0, DEVICES[random.nextInt(DEVICES.length)],
                REGIONS[random.nextInt(REGIONS.length)]);
    }
}
