// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

/** The metric server could not start; the message is upstream's where upstream has one. */
public final class ServerStartException extends Exception {
    private static final long serialVersionUID = 1L;

    ServerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
