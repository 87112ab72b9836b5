// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Each client's share of the {@code /metrics} requests: at most {@link #perClient()} of the
 * server's concurrent requests, and one filtered scrape at a time.
 *
 * <p>Requests with different filters cannot share a scrape, and each costs a full scrape of every
 * sandbox; without a share, one client sending several at once would take every slot and most of
 * the CPU, and everyone else's scrapes would wait or be refused. With it, a client's filtered
 * requests queue behind each other (each until its own deadline), so a busy client slows itself
 * down, and the other clients keep at least half of the slots and their own scrapes running beside
 * its one. Unfiltered requests take no turn: all of them share one scrape per format.
 *
 * <p>A client is what the transport says sent the request ({@link HttpRequest#client()}): the peer
 * address over TCP, the peer user over the Unix socket. Requests whose client is unknown share one
 * client.
 */
final class ClientShares {
    private final int perClient;
    // Guarded by this: the clients with a request in progress.
    private final Map<String, Client> clients = new HashMap<>();

    /** One client's requests in progress, and its turn to scrape. */
    static final class Client {
        private final String name;
        private final Semaphore turn = new Semaphore(1, true);
        /** Requests of this client in progress (guarded by the shares). */
        private int requests;

        private Client(String name) {
            this.name = name;
        }

        /**
         * Waits for this client's turn to scrape: its earlier filtered requests go first.
         *
         * @param deadlineNanos {@link System#nanoTime()} by which the turn must come
         * @return true with the turn taken (give it back with {@link #endTurn()}), false if the deadline passed
         */
        boolean awaitTurn(long deadlineNanos) {
            try {
                return turn.tryAcquire(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        /** Gives the turn to this client's next request. */
        void endTurn() {
            turn.release();
        }
    }

    /**
     * Creates the shares of a server.
     *
     * @param maxConcurrent the server's cap on concurrent {@code /metrics} requests; a client gets half
     *     of it, rounded up
     */
    ClientShares(int maxConcurrent) {
        this.perClient = (maxConcurrent + 1) / 2;
    }

    /**
     * The most {@code /metrics} requests one client may have in progress.
     *
     * @return half the server's cap, rounded up
     */
    int perClient() {
        return perClient;
    }

    /**
     * Counts a request of {@code client} in, unless the client already has its share in progress.
     *
     * @param client the client's name from the transport; empty if unknown
     * @return the client, to {@link #leave} when the request ends; null if its share is taken
     */
    synchronized Client enter(String client) {
        Client c = clients.computeIfAbsent(client, Client::new);
        if (c.requests == perClient) {
            return null;
        }
        c.requests++;
        return c;
    }

    /**
     * Counts a request out that {@link #enter} let in.
     *
     * @param c the client
     */
    synchronized void leave(Client c) {
        if (--c.requests == 0) {
            clients.remove(c.name);
        }
    }

    /** For tests: how many requests of {@code client} are in progress. */
    synchronized int requestsOf(String client) {
        Client c = clients.get(client);
        return c == null ? 0 : c.requests;
    }

    /** For tests: how many clients have a request in progress. */
    synchronized int clientsInProgress() {
        return clients.size();
    }
}
