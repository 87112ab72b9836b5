// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import runsc.metrics.exposition.ExpositionFormat;

/**
 * Lets concurrent {@code /metrics} requests with the same filters share one scrape.
 *
 * <p>A scrape of many sandboxes costs the same whoever asks, and eight Prometheus servers (or one
 * impatient one) scraping at once would otherwise query every sandbox eight times and hold eight
 * copies of a multi-megabyte body. So, per pair of filters, at most one scrape runs and at most one
 * waits: a request joins the waiting scrape if there is one, otherwise it becomes the leader of a new
 * one, which starts as soon as the running scrape (if any) has finished. A request therefore never
 * gets data gathered before it arrived, only data that other requests asked for at the same time.
 *
 * <p>Every wait is bounded: the leader waits for the running scrape only until its own deadline (then
 * its flight fails with 503), and a follower waits for its flight until the leader's deadline plus
 * {@link #FOLLOWER_SLACK}, which covers writing the body after the sandbox queries have ended.
 */
final class ScrapeCoalescer {
    /** Time beyond the leader's scrape deadline that a follower waits for the shared response. */
    static final Duration FOLLOWER_SLACK = Duration.ofSeconds(5);

    /**
     * The filters of a request, by their source text, and the negotiated format: requests with
     * equal keys get equal bodies.
     */
    record Key(String metricsFilter, String capabilityFilter, ExpositionFormat format) {
        /** A key for the text format. */
        Key(String metricsFilter, String capabilityFilter) {
            this(metricsFilter, capabilityFilter, ExpositionFormat.TEXT);
        }
    }

    /** One scrape, shared by its leader and the followers that joined before it started. */
    private static final class Flight {
        final CompletableFuture<HttpResponse> response = new CompletableFuture<>();
        final long deadlineNanos;
        /** The flight that was running when this one was created (guarded by the coalescer). */
        Flight before;
        /** Set once the leader has begun; later requests then start a new flight (guarded by the coalescer). */
        boolean started;

        Flight(Flight before, long deadlineNanos) {
            this.before = before;
            this.deadlineNanos = deadlineNanos;
        }
    }

    private final Duration scrapeDeadline;
    private final Duration followerSlack;
    // Guarded by this: per key, the newest flight until it completes.
    private final Map<Key, Flight> newest = new HashMap<>();

    /**
     * Creates a coalescer.
     *
     * @param scrapeDeadline how long a scrape may take from its leader's arrival
     */
    ScrapeCoalescer(Duration scrapeDeadline) {
        this(scrapeDeadline, FOLLOWER_SLACK);
    }

    /** For tests: a shorter slack than {@link #FOLLOWER_SLACK}. */
    ScrapeCoalescer(Duration scrapeDeadline, Duration followerSlack) {
        this.scrapeDeadline = scrapeDeadline;
        this.followerSlack = followerSlack;
    }

    /**
     * Returns the response of a scrape that starts after this call: this thread's own, or one that
     * other callers with the same key are already waiting for.
     *
     * @param key the request's filters
     * @param receivedNanos {@link System#nanoTime()} when the request arrived
     * @param scrape runs the scrape; a failed scrape is a response, a bug an exception
     * @return the response; 503 if the scrape could not run or finish within the deadlines
     * @throws RuntimeException what the scrape threw, in the leader and in every follower, so that
     *     each turns it into its answer where every other failure is turned into one
     */
    HttpResponse scrape(Key key, long receivedNanos, Supplier<HttpResponse> scrape) {
        Flight flight;
        boolean leader;
        synchronized (this) {
            Flight last = newest.get(key);
            leader = last == null || last.started;
            if (leader) {
                flight = new Flight(last, receivedNanos + scrapeDeadline.toNanos());
                newest.put(key, flight);
            } else {
                flight = last;
            }
        }
        if (!leader) {
            return await(flight.response, flight.deadlineNanos + followerSlack.toNanos(),
                    "the shared scrape did not finish in time");
        }
        HttpResponse response = null;
        Throwable failure = null;
        try {
            Flight before;
            synchronized (this) {
                before = flight.before;
            }
            boolean mayStart = before == null || finished(before.response, flight.deadlineNanos);
            synchronized (this) {
                flight.started = true;
                flight.before = null; // let the finished flight and its body go
            }
            response = mayStart ? scrape.get() : HttpResponse.error(503,
                    "context deadline exceeded: an earlier scrape was still running at the scrape deadline");
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            synchronized (this) {
                flight.started = true;
                newest.remove(key, flight);
            }
            // Followers must never wait in vain, whatever happened to the leader.
            if (response != null) {
                flight.response.complete(response);
            } else {
                flight.response.completeExceptionally(failure != null ? failure
                        : new IllegalStateException("the scrape ended without a response"));
            }
        }
        return response;
    }

    /** Waits until {@code response} is complete or the deadline passes; true if it completed. */
    private static boolean finished(CompletableFuture<HttpResponse> response, long untilNanos) {
        try {
            response.get(Math.max(0, untilNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return true; // the earlier scrape failed: it has ended all the same
        }
    }

    private static HttpResponse await(CompletableFuture<HttpResponse> response, long untilNanos, String timeoutMessage) {
        try {
            return response.get(Math.max(0, untilNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return HttpResponse.error(503, "context deadline exceeded: " + timeoutMessage);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HttpResponse.error(503, "interrupted while waiting for a scrape");
        } catch (ExecutionException e) {
            throw new IllegalStateException("the shared scrape failed", e.getCause());
        }
    }
}
