// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.control;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * A control call to a sandbox failed. The message starts with {@code sandbox <id>: } and names the
 * socket and what went wrong, for example
 * {@code sandbox sb1: reading reply from /run/x/runsc-sb1.sock: connection closed after 10 bytes,
 * before the JSON value was complete}.
 */
public final class ControlException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What kind of failure it was, for callers that count or log them apart. */
    public enum Kind {
        /** The socket could not be reached (missing, refused, permission denied, path unusable). */
        CONNECT,
        /** The deadline passed before the reply was complete; the socket was closed. */
        TIMEOUT,
        /** Writing or reading failed, or the sandbox closed the connection early. */
        TRANSPORT,
        /** The reply was not valid JSON, too large or deep, or not shaped as the method's result. */
        PROTOCOL,
        /** The sandbox answered {@code success:false}; {@link #remoteMessage()} has its text. */
        REMOTE
    }

    private final String sandboxId;
    private final Kind kind;
    private final String remoteMessage;

    ControlException(String sandboxId, Kind kind, String detail, String remoteMessage, Throwable cause) {
        super("sandbox " + sandboxId + ": " + detail, cause);
        this.sandboxId = Objects.requireNonNull(sandboxId, "sandboxId");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.remoteMessage = remoteMessage;
    }

    /** {@return the ID of the sandbox that was called} */
    public String sandboxId() {
        return sandboxId;
    }

    /** {@return the kind of failure} */
    public Kind kind() {
        return kind;
    }

    /** {@return the sandbox's own error text, for {@link Kind#REMOTE}} */
    public Optional<String> remoteMessage() {
        return Optional.ofNullable(remoteMessage);
    }
}
