// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http.unix;

import java.time.Duration;

/** What a connection's protocol loop needs from the socket layer: deadlines, shutdown state and the peer. */
interface ConnectionControl {
    /**
     * Starts the deadline of the next phase, replacing the previous one: when it passes, the
     * connection is closed and any blocked read or write fails.
     *
     * @param timeout the length of the phase
     */
    void arm(Duration timeout);

    /**
     * Tells whether the connection is between requests; a shutdown closes idle connections at once.
     *
     * @param idle true while waiting for a request
     */
    void idle(boolean idle);

    /**
     * Tells whether the server is shutting down; the current response then ends the connection.
     *
     * @return true once shutdown began
     */
    boolean closing();

    /**
     * Names the peer for the requests of this connection ({@code user NAME}, from {@code SO_PEERCRED}).
     *
     * @return the peer, or empty if the kernel did not say
     */
    String client();
}
