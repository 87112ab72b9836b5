// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.sim;

import java.util.Objects;
import runsc.metrics.exposition.Snapshot;
import runsc.metrics.json.JsonValue;

/**
 * One reply an {@link ReplyScript} dictates for a {@code Metrics.Export} call.
 */
public sealed interface ScriptedReply permits ScriptedReply.Result, ScriptedReply.Failure, ScriptedReply.Raw {

    /**
     * A successful reply: {@code {"success":true,"err":"","result":<result>}}.
     *
     * @param result the result value, any JSON (for example {@code {"snapshot":null}})
     */
    record Result(JsonValue result) implements ScriptedReply {
        /** Rejects null (use {@code JsonNull.INSTANCE} for a null result). */
        public Result {
            Objects.requireNonNull(result, "result");
        }
    }

    /**
     * A failed reply: {@code {"success":false,"err":<message>,"result":null}}.
     *
     * @param message the error text
     */
    record Failure(String message) implements ScriptedReply {
        /** Rejects null. */
        public Failure {
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * Bytes written as they are, in place of a reply; the connection then stays open.
     *
     * @param bytes the bytes (copied)
     */
    record Raw(byte[] bytes) implements ScriptedReply {
        /** Copies the bytes. */
        public Raw {
            bytes = bytes.clone();
        }

        /** {@return a copy of the bytes} */
        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Raw r && java.util.Arrays.equals(bytes, r.bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Raw[" + bytes.length + " bytes]";
        }
    }

    /**
     * {@return a successful reply carrying {@code snapshot} encoded as a real sandbox encodes it}
     *
     * @param snapshot the snapshot
     */
    static ScriptedReply snapshot(Snapshot snapshot) {
        return new Result(SnapshotJson.result(snapshot));
    }
}
