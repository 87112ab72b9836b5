// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import java.io.IOException;

/**
 * A {@code registeredMetrics} JSON value that Go's {@code encoding/json} would refuse to decode
 * into a {@code MetricRegistration} (a member of the wrong JSON type, an integer out of range).
 * The message names the JSON path and the rule.
 */
public final class InvalidRegistrationException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the path and what is wrong, starting lower-case
     */
    public InvalidRegistrationException(String message) {
        super(message);
    }
}
