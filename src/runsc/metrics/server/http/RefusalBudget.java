// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Each client's budget of refused {@code /metrics} requests: a token bucket per client, charged by
 * every refusal, so that a client whose requests keep being refused is answered 429 without its
 * request being read.
 *
 * <p>A refused request costs the server about what a served head costs: the transport reads and
 * parses a head of up to a few hundred kilobytes, and the router decodes and compiles its filters,
 * before the refusal is known. A client that sends nothing but such requests costs the server more
 * than an honest client that scrapes in a loop. With a budget, the transports refuse a client whose
 * bucket is empty at accept, before any byte of its request is read (429 with
 * {@code Retry-After}), and the router refuses its requests on connections already open.
 *
 * <p>The figures leave honest clients alone: a burst of {@link #BURST} refusals, refilled at
 * {@link #REFILL_PER_SECOND} a second, so that a bad filter every few seconds, or several at once,
 * never empties a bucket; a refusal whose filter used up the request's regex budget costs
 * {@link #REGEX_BUDGET_COST}, since it has burned up to that budget's CPU. A client with an empty
 * bucket gets one refusal through per token refilled.
 *
 * <p>A client is named as {@link HttpRequest#client()} names it (peer address over TCP,
 * {@code user NAME} over the Unix socket). Requests whose client is unknown are never charged:
 * they would share one bucket, and one of them could shut every other out. The table of clients
 * holds at most {@code maxClients} buckets: when it is full, buckets that have refilled completely
 * (they limit nobody) are dropped, then the least recently used one, so a flood of distinct source
 * addresses cannot grow it.
 */
public final class RefusalBudget {
    /** Refusals a client may run up at once before it is limited. */
    public static final int BURST = 10;
    /** Tokens a bucket gets back per second. */
    public static final double REFILL_PER_SECOND = 1;
    /** The cost of a refusal whose filter used up the request's regex budget. */
    public static final int REGEX_BUDGET_COST = 3;
    /** The most clients whose buckets are kept. */
    public static final int MAX_CLIENTS = 1024;

    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'",
            Locale.US);
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final double burst;
    private final double refillPerSecond;
    private final int maxClients;
    private final LongSupplier nanoClock;
    // Guarded by this; in access order, so that the eldest entry is the least recently used.
    private final LinkedHashMap<String, Bucket> buckets = new LinkedHashMap<>(16, 0.75f, true);

    /** One client's tokens as of {@code at} (the clock's nanoseconds). */
    private static final class Bucket {
        private double tokens;
        private long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    /** A budget with the default figures on the system's monotonic clock. */
    public RefusalBudget() {
        this(BURST, REFILL_PER_SECOND, MAX_CLIENTS, System::nanoTime);
    }

    /**
     * A budget with other figures or another clock (tests).
     *
     * @param burst the refusals a client may run up at once, at least 1
     * @param refillPerSecond tokens refilled per second, above 0
     * @param maxClients the most buckets kept, at least 1
     * @param nanoClock a monotonic clock in nanoseconds, as {@link System#nanoTime()}
     */
    public RefusalBudget(int burst, double refillPerSecond, int maxClients, LongSupplier nanoClock) {
        if (burst < 1) {
            throw new IllegalArgumentException("refusal burst must be at least 1, got " + burst);
        }
        if (!(refillPerSecond > 0)) {
            throw new IllegalArgumentException("refusal refill must be above 0 a second, got " + refillPerSecond);
        }
        if (maxClients < 1) {
            throw new IllegalArgumentException("refusal table must hold at least 1 client, got " + maxClients);
        }
        this.burst = burst;
        this.refillPerSecond = refillPerSecond;
        this.maxClients = maxClients;
        this.nanoClock = nanoClock;
    }

    /**
     * Charges a refusal to a client.
     *
     * @param client the client's name; empty if unknown (never charged)
     * @param cost the tokens it takes, at least 1
     * @return true if this charge emptied the client's bucket, so that it is refused from now on
     */
    public synchronized boolean charge(String client, int cost) {
        if (client.isEmpty()) {
            return false;
        }
        long now = nanoClock.getAsLong();
        Bucket b = buckets.get(client);
        if (b == null) {
            makeRoom(now);
            b = new Bucket(burst, now);
            buckets.put(client, b);
        }
        refill(b, now);
        boolean had = b.tokens >= 1;
        b.tokens = Math.max(0, b.tokens - cost);
        return had && b.tokens < 1;
    }

    /**
     * How long a client is refused.
     *
     * @param client the client's name; empty if unknown (never refused)
     * @return 0 if the client has a token; else the whole seconds until it has one, at least 1
     */
    public synchronized long retryAfterSeconds(String client) {
        Bucket b = client.isEmpty() ? null : buckets.get(client);
        if (b == null) {
            return 0;
        }
        refill(b, nanoClock.getAsLong());
        if (b.tokens >= 1) {
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - b.tokens) / refillPerSecond));
    }

    /**
     * How many clients have a bucket.
     *
     * @return the table's size, at most the {@code maxClients} it was created with
     */
    public synchronized int clients() {
        return buckets.size();
    }

    private void refill(Bucket b, long now) {
        long elapsed = now - b.at;
        if (elapsed > 0) {
            b.tokens = Math.min(burst, b.tokens + elapsed * refillPerSecond / NANOS_PER_SECOND);
            b.at = now;
        }
    }

    /** Drops full buckets when the table is full, else the least recently used one. */
    private void makeRoom(long now) {
        if (buckets.size() < maxClients) {
            return;
        }
        for (Iterator<Map.Entry<String, Bucket>> it = buckets.entrySet().iterator(); it.hasNext(); ) {
            Bucket b = it.next().getValue();
            refill(b, now);
            if (b.tokens >= burst) {
                it.remove();
            }
        }
        if (buckets.size() >= maxClients) {
            Iterator<String> eldest = buckets.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
    }

    /**
     * The router's answer to a request of a client that is refused: 429, in the shape of Go's
     * {@code http.Error}, with {@code Retry-After}, closing its connection so that the client's next
     * one meets the transport's refusal at accept.
     *
     * @param retryAfterSeconds the whole seconds until the client has a token
     * @return the response
     */
    public static HttpResponse tooManyRequests(long retryAfterSeconds) {
        return new HttpResponse(429, List.of(new Header("Content-Type", HttpResponse.TEXT_PLAIN),
                new Header("X-Content-Type-Options", "nosniff"),
                new Header("Retry-After", Long.toString(retryAfterSeconds))),
                message(retryAfterSeconds).getBytes(StandardCharsets.UTF_8), true);
    }

    /**
     * The whole answer a transport writes to a refused connection as it accepts it, before reading
     * anything: the same 429 as {@link #tooManyRequests}, with {@code Date}, {@code Content-Length}
     * and {@code Connection: close}.
     *
     * @param retryAfterSeconds the whole seconds until the client has a token
     * @return the response's bytes
     */
    public static byte[] acceptRefusal(long retryAfterSeconds) {
        byte[] body = message(retryAfterSeconds).getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 429 Too Many Requests\r\n"
                + "Content-Type: " + HttpResponse.TEXT_PLAIN + "\r\n"
                + "X-Content-Type-Options: nosniff\r\n"
                + "Retry-After: " + retryAfterSeconds + "\r\n"
                + "Date: " + HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC)) + "\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return all;
    }

    private static String message(long retryAfterSeconds) {
        return "too many refused /metrics requests from this client: retry after " + retryAfterSeconds + " s\n";
    }
}
