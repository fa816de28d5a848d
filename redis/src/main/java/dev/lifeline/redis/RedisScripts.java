package dev.lifeline.redis;

import java.nio.charset.StandardCharsets;

/**
 * The Lua scripts that change a session in Redis, each one atomic step. KEYS are always the session's hash, its
 * outbox stream, its inbox stream and its mailbox list ({@link SessionKeys}); every script that writes for an owner starts with the
 * fence: the session's {@code epoch} and {@code owner} must still be the caller's, else it fails with
 * {@code FENCED} and changes nothing. Every save also checks that it follows the previous one (else {@code GAP}),
 * is idempotent when replayed after it applied (Lettuce resends commands in flight over a lost connection), and
 * keeps the keys for at least the resume window (renewed with some slack, see {@code RENEW}).
 *
 * <p>Hash fields: {@code epoch}, {@code owner} (node id), {@code next} (the server's next sequence number),
 * {@code acked} (the client's acknowledgement), {@code recv} (last received from the client), {@code used} (last
 * received whose handling was committed). A stream entry holds the messages of one save (at most {@link #PER_ENTRY}
 * of them), each a field named {@code t<seq>} (text) or {@code b<seq>} (binary) holding its payload; the entry's ID
 * is {@code <seq>-0} for the last of them. One entry per save rather than per message spares Redis most of its work
 * per message under load (one {@code XADD} for a batch), and trimming through n stays one {@code XTRIM MINID n+1}:
 * it removes exactly the entries whose messages are all numbered n or less, and leaves whole the entry that holds
 * n + 1, whose first messages readers then skip by their numbers. (An entry of one message is its number's; until
 * 2026-12-04 each was, with a field named {@code t} or {@code b}: readers take both.) Mailbox entries (messages
 * other nodes sent to the session, not yet taken into its outbox) are the kind byte followed by the payload.
 */
final class RedisScripts {
    private RedisScripts() {
    }

    /**
     * ARGV: epoch, owner, window in ms, and (from ARGV[4] on, per script) the rest. Reads the session's numbers in
     * one step: {@code h0} is {epoch, owner, acked, recv, used, next}.
     */
    private static final String FENCE = """
            local h0 = redis.call('HMGET', KEYS[1], 'epoch', 'owner', 'acked', 'recv', 'used', 'next')
            if h0[1] ~= ARGV[1] or h0[2] ~= ARGV[2] then
              return redis.error_reply('FENCED session owned by ' .. tostring(h0[2]) .. ' at epoch '
                .. tostring(h0[1]) .. ', not ' .. ARGV[2] .. ' at ' .. ARGV[1])
            end
            """;

    /**
     * The keys' TTL, renewed with some slack: to the window plus a second (a third of the window if that is less),
     * and only when the hash has less than the window left. A session thus stays for at least the window after its
     * last save (at most the slack more), and a busy session's saves renew it about once a second: one
     * {@code PTTL} per save instead of a {@code PEXPIRE} per key. The streams exist from the session's creation
     * (empty), and the mailbox gets this TTL when a message is put in it, so no key outlives the hash by less.
     */
    private static final String RENEW = """
            local function renew(always)
              local w = tonumber(ARGV[3])
              if always or redis.call('PTTL', KEYS[1]) <= w then
                local ttl = w + math.min(1000, math.floor(w / 3))
                for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ttl) end
              end
            end
            """;

    private static final String TOUCH = "renew(false)\n";

    /**
     * ARGV[4] is the client's acknowledgement ("0" for none new): if above the saved one, adds {@code acked} to the
     * hash fields the script sets and trims the outbox.
     */
    private static final String ACK = """
            local function acknowledge(fields)
              local a = tonumber(ARGV[4])
              if a > tonumber(h0[3]) then
                fields[#fields + 1] = 'acked'
                fields[#fields + 1] = ARGV[4]
                redis.call('XTRIM', KEYS[2], 'MINID', string.format('%d-0', a + 1))
              end
            end
            """;

    /** The most messages one stream entry holds: a larger save takes several (Lua's {@code unpack} is bounded). */
    static final int PER_ENTRY = 256;

    /**
     * Appends messages numbered from {@code seq}, whose field names ({@code t<seq>}, {@code b<seq>}) and payloads are
     * {@code ARGV[from..]} in pairs, to the stream {@code key}: one entry per {@link #PER_ENTRY} messages, named
     * after its last. The arguments go to {@code XADD} as they came, without a table built per message.
     */
    private static final String APPEND = """
            local function append(key, seq, from)
              local i = from
              while i <= #ARGV do
                local j = math.min(i + 2 * PER_ENTRY - 1, #ARGV)
                redis.call('XADD', key, string.format('%d-0', seq + (j - from + 1) / 2 - 1), unpack(ARGV, i, j))
                i = j + 1
              end
            end
            """.replace("PER_ENTRY", Integer.toString(PER_ENTRY));

    /**
     * ARGV: owner, the epoch ("1"), window. 1 if created, 0 if a session with this key exists (the token was drawn
     * twice). The two streams are created empty (an entry {@code 0-1} added and trimmed at once), so that they
     * have their TTL before the first save writes to them.
     */
    static final byte[] CREATE = bytes(RENEW + """
            if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
            redis.call('HSET', KEYS[1], 'epoch', ARGV[2], 'owner', ARGV[1], 'next', '1', 'acked', '0', 'recv', '0',
              'used', '0')
            redis.call('XADD', KEYS[2], 'MAXLEN', '0', '0-1', 'b', '')
            redis.call('XADD', KEYS[3], 'MAXLEN', '0', '0-1', 'b', '')
            renew(true)
            return 1
            """);

    /**
     * ARGV: owner, the epoch the caller holds ("0" for none), window. Nil if the session does not exist; {epoch, 0}
     * if the caller owns it already at that epoch; else takes it over: {epoch + 1, 1, next, acked, recv, used}.
     */
    static final byte[] CLAIM = bytes(RENEW + """
            local h = redis.call('HMGET', KEYS[1], 'epoch', 'owner', 'next', 'acked', 'recv', 'used')
            if not h[1] then return false end
            renew(true)
            if h[2] == ARGV[1] and h[1] == ARGV[2] then return {h[1], 0} end
            local e = redis.call('HINCRBY', KEYS[1], 'epoch', 1)
            redis.call('HSET', KEYS[1], 'owner', ARGV[1])
            return {tostring(e), 1, h[3], h[4], h[5], h[6]}
            """);

    /**
     * ARGV: epoch, owner, window, ack, first seq, then field name and payload of each: messages received from the
     * client (and the client's acknowledgement).
     */
    static final byte[] RECEIVED = bytes(FENCE + ACK + APPEND + RENEW + """
            local r = tonumber(h0[4])
            local seq = tonumber(ARGV[5])
            if seq + (#ARGV - 5) / 2 - 1 <= r then return 0 end
            if seq ~= r + 1 then
              return redis.error_reply('GAP saved received ' .. r .. ', saving from ' .. ARGV[5])
            end
            append(KEYS[3], seq, 6)
            local fields = {'recv', string.format('%d', seq + (#ARGV - 5) / 2 - 1)}
            acknowledge(fields)
            redis.call('HSET', KEYS[1], unpack(fields))
            """ + TOUCH + "return 1\n");

    /**
     * ARGV: epoch, owner, window, ack, consumed before, consumed, first seq, mailbox entries taken, then field name
     * and payload of each send: the handling of the received messages through "consumed" and the sends it made (among
     * them the first entries of the mailbox), and the client's acknowledgement, in one step.
     */
    static final byte[] COMMIT = bytes(FENCE + ACK + APPEND + RENEW + """
            local sends = (#ARGV - 8) / 2
            local after = string.format('%d', tonumber(ARGV[7]) + sends)
            if h0[5] == ARGV[6] and h0[6] == after and (ARGV[6] ~= ARGV[5] or sends > 0) then return 0 end
            if h0[5] ~= ARGV[5] or h0[6] ~= ARGV[7] then
              return redis.error_reply('GAP saved consumed ' .. h0[5] .. ' and next ' .. h0[6] .. ', commit expects '
                .. ARGV[5] .. ' and ' .. ARGV[7])
            end
            local fields = {'next', after}
            if ARGV[6] ~= ARGV[5] then
              fields[3] = 'used'
              fields[4] = ARGV[6]
              redis.call('XTRIM', KEYS[3], 'MINID', string.format('%d-0', tonumber(ARGV[6]) + 1))
            end
            if ARGV[8] ~= '0' then redis.call('LTRIM', KEYS[4], ARGV[8], -1) end
            append(KEYS[2], tonumber(ARGV[7]), 9)
            acknowledge(fields)
            redis.call('HSET', KEYS[1], unpack(fields))
            """ + TOUCH + "return 1\n");

    /** ARGV: epoch, owner, window, ack: the client acknowledged the server's messages through ack. */
    static final byte[] ACKNOWLEDGED = bytes(FENCE + ACK + RENEW + """
            local fields = {}
            acknowledge(fields)
            if #fields > 0 then redis.call('HSET', KEYS[1], unpack(fields)) end
            """ + TOUCH + "return 1\n");

    /** ARGV: epoch, owner, window: renews the TTL (a session attached here, or left for the window). */
    static final byte[] TOUCH_OWNED = bytes(FENCE + RENEW + TOUCH + "return 1\n");

    /** ARGV: epoch, owner, window: the session has ended for good. */
    static final byte[] DELETE = bytes(FENCE + "return redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])\n");

    /**
     * ARGV: kind byte and payload, window, session id: a message from any node to the session, appended to its
     * mailbox, and its owner told on its channel ({@code lifeline:node:<owner>}). 0 if there is no such session.
     */
    static final byte[] MAIL = bytes("""
            local owner = redis.call('HGET', KEYS[1], 'owner')
            if not owner then return 0 end
            redis.call('RPUSH', KEYS[4], ARGV[1])
            local w = tonumber(ARGV[2])
            redis.call('PEXPIRE', KEYS[4], w + math.min(1000, math.floor(w / 3)))
            redis.call('PUBLISH', 'lifeline:node:' .. owner, ARGV[3])
            return 1
            """);

    private static byte[] bytes(String script) {
        return script.getBytes(StandardCharsets.UTF_8);
    }
}
