// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.control;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import runsc.metrics.exposition.Snapshot;
import runsc.metrics.json.Json;
import runsc.metrics.json.JsonException;
import runsc.metrics.json.JsonFramer;
import runsc.metrics.json.JsonLimits;
import runsc.metrics.json.JsonNull;
import runsc.metrics.json.JsonObject;
import runsc.metrics.json.JsonString;
import runsc.metrics.json.JsonValue;

/**
 * Calls a sandbox's control socket, one connection per call, as runsc does. Requests are byte for
 * byte what runsc sends ({@code {"method":"Metrics.Export","arg":{"only_metrics":""}}}); the reply is
 * read as one JSON value, as soon as it is complete (the sandbox keeps the connection open, so end of
 * file never comes), within {@value #MAX_REPLY_DEPTH} levels and the bounds of {@link ReplyMemory}:
 * by default at most {@value ReplyMemory#MAX_REPLY_BYTES} bytes and
 * {@value ReplyMemory#MAX_REPLY_VALUES} JSON values, and no more than is left of the heap set aside
 * for replies in flight, so that large replies fail with an error rather than run the heap out.
 *
 * <p>Each call takes a deadline, a {@link System#nanoTime()} value, that bounds connect, write and
 * read together; when it passes the socket is closed and the call fails with
 * {@link ControlException.Kind#TIMEOUT}. Whatever the sandbox sends or does, a call either returns or
 * throws {@link ControlException}. Thread-safe: instances hold no state besides the limits.
 */
public final class ControlClient {
    /** Deepest reply nesting accepted (a real Export reply nests 6 levels). */
    public static final int MAX_REPLY_DEPTH = 64;

    private static final String EXPORT = "Metrics.Export";
    private static final String GET_SAVINGS = "containerManager.GetSavings";
    private static final String EVENT = "containerManager.Event";
    private static final String UNKNOWN_METHOD = "unknown method";

    private final JsonLimits limits;
    private final ReplyMemory memory;
    // The last Metrics.Export request: a server sends the same one to every sandbox at every scrape.
    private volatile ExportRequest lastExport;

    /** A {@code Metrics.Export} request's bytes, for one filter. */
    private record ExportRequest(String filter, byte[] bytes) { }

    /** A client with the default limits, sharing this JVM's {@link ReplyMemory#shared() reply memory}. */
    public ControlClient() {
        this(ReplyMemory.shared());
    }

    /** A client with its own reply memory, for tests. */
    ControlClient(ReplyMemory memory) {
        this(memory, memory.maxReplyBytes(), MAX_REPLY_DEPTH);
    }

    /** A client with other size and depth caps, for tests. */
    ControlClient(int maxReplyBytes, int maxReplyDepth) {
        this(ReplyMemory.shared(), maxReplyBytes, maxReplyDepth);
    }

    private ControlClient(ReplyMemory memory, int maxReplyBytes, int maxReplyDepth) {
        this.memory = memory;
        this.limits = new JsonLimits(maxReplyDepth, Math.min(maxReplyBytes, memory.maxReplyBytes()),
                JsonLimits.DuplicateKeys.KEEP_LAST);
    }

    /**
     * Does, ahead of a first call, the one-time Unix-socket and deadline-timer set-up, which depends
     * on no sandbox: the first Unix socket seeds a {@code SecureRandom} (for the names of bound
     * sockets), which reads {@code java.security} and initialises the security providers. A short
     * command calls this on a second thread while its main thread is busy with other work (about
     * 10 ms at start-up, BENCHMARKS.md, export-metrics start-up). Never throws; problems are left to the call.
     */
    public static void prepare() {
        UrpcTransport.prepare();
    }

    /**
     * Asks a sandbox for its metric snapshot ({@code Metrics.Export}).
     *
     * <p>The filter is passed on as it is; this method does not check the reply against it (see
     * {@link FilterCheck}).
     *
     * @param sandboxId     the sandbox ID, for messages
     * @param socket        the control socket
     * @param filter        the {@code only_metrics} regular expression, "" for all metrics
     * @param deadlineNanos when to give up, as a {@link System#nanoTime()} value
     * @return the snapshot, in UTC unless the sandbox sent another offset
     * @throws ControlException if the call fails, the sandbox reports an error, or the reply is not a
     *                          well-formed snapshot
     */
    public Snapshot exportMetrics(String sandboxId, Path socket, String filter, long deadlineNanos)
            throws ControlException {
        // The reply stays charged to the reply memory until its snapshot is decoded.
        try (ReplyMemory.Reservation reservation = memory.reserve(sandboxId)) {
            ExportReply reply = UrpcTransport.exchange(sandboxId, socket, EXPORT,
                    exportRequest(Objects.requireNonNull(filter, "filter")), limits, reservation, deadlineNanos,
                    ControlClient::takeExport);
            return switch (reply) {
                case ExportReply.Read(Snapshot snapshot) -> snapshot;
                case ExportReply.Tree(JsonValue tree) -> {
                    JsonValue result = result(sandboxId, socket, EXPORT, tree);
                    yield decode(sandboxId, socket, EXPORT, () -> ReplyDecoder.exportResult(result));
                }
            };
        }
    }

    /** A {@code Metrics.Export} reply: read straight into its snapshot, or parsed for {@link ReplyDecoder}. */
    private sealed interface ExportReply {
        /** A successful reply of the usual shape, read without a tree ({@link ExportReplyReader}). */
        record Read(Snapshot snapshot) implements ExportReply { }

        /** Any other reply, parsed: the tree decoder accepts or words the error as it always has. */
        record Tree(JsonValue reply) implements ExportReply { }
    }

    private static ExportReply takeExport(JsonFramer framer) throws JsonException {
        Snapshot snapshot = framer.takeIf(ExportReplyReader::read);
        return snapshot != null ? new ExportReply.Read(snapshot) : new ExportReply.Tree(framer.take());
    }

    /**
     * Asks for one container's resource usage ({@code containerManager.Event}), as
     * {@code runsc events --stats} does: the request is {@code {"method":"containerManager.Event",
     * "arg":"<container ID>"}}, and the reply is read with the same limits and deadline as
     * {@link #exportMetrics}. Each container of a multi-container sandbox is a call of its own.
     *
     * @param sandboxId     the sandbox ID, for messages
     * @param socket        the control socket
     * @param containerId   the container (the sandbox ID for its root container)
     * @param deadlineNanos when to give up, as a {@link System#nanoTime()} value
     * @return the container's stats
     * @throws ControlException if the call fails, the sandbox reports an error (such as
     *                          {@code container "x" not found}), or the reply is not well-formed
     *                          stats for that container
     */
    public ContainerStats containerStats(String sandboxId, Path socket, String containerId, long deadlineNanos)
            throws ControlException {
        JsonValue result = call(sandboxId, socket, EVENT,
                new JsonString(Objects.requireNonNull(containerId, "containerId")), deadlineNanos);
        return decode(sandboxId, socket, EVENT, () -> EventDecoder.eventResult(result, containerId));
    }

    /**
     * Asks a restored sandbox how much time the restore saved ({@code containerManager.GetSavings}).
     *
     * @param sandboxId     the sandbox ID
     * @param socket        the control socket
     * @param deadlineNanos when to give up
     * @return the savings, or {@link Savings.Unsupported} if the sandbox answers "unknown method"
     *         (runsc before 2025)
     * @throws ControlException if the call fails otherwise
     */
    public Savings getSavings(String sandboxId, Path socket, long deadlineNanos) throws ControlException {
        JsonValue result;
        try {
            result = call(sandboxId, socket, GET_SAVINGS, JsonNull.INSTANCE, deadlineNanos);
        } catch (ControlException e) {
            if (e.remoteMessage().filter(UNKNOWN_METHOD::equals).isPresent()) {
                return new Savings.Unsupported();
            }
            throw e;
        }
        JsonValue known = result;
        return decode(sandboxId, socket, GET_SAVINGS, () -> ReplyDecoder.savingsResult(known));
    }

    /**
     * Calls any method and returns its result: the building block of the methods above.
     *
     * @param sandboxId     the sandbox ID
     * @param socket        the control socket
     * @param method        the urpc method, such as {@code Metrics.Export}
     * @param arg           the argument
     * @param deadlineNanos when to give up
     * @return the {@code result} of a successful reply ({@code null} as {@link JsonNull})
     * @throws ControlException if the call fails or the sandbox answers {@code success:false}
     *                          ({@link ControlException.Kind#REMOTE}, with the sandbox's text)
     */
    public JsonValue call(String sandboxId, Path socket, String method, JsonValue arg, long deadlineNanos)
            throws ControlException {
        try (ReplyMemory.Reservation reservation = memory.reserve(sandboxId)) {
            return call(sandboxId, socket, method, request(method, arg), reservation, deadlineNanos);
        }
    }

    /** {@return the bytes of a {@code Metrics.Export} request with this filter} made once for a run of equal filters */
    private byte[] exportRequest(String filter) {
        ExportRequest last = lastExport;
        if (last == null || !last.filter().equals(filter)) {
            last = new ExportRequest(filter, request(EXPORT, new JsonObject(Map.of("only_metrics", new JsonString(filter)))));
            lastExport = last;
        }
        return last.bytes();
    }

    private JsonValue call(String sandboxId, Path socket, String method, byte[] request,
                           ReplyMemory.Reservation reservation, long deadlineNanos) throws ControlException {
        JsonValue reply = UrpcTransport.exchange(sandboxId, socket, method, request, limits,
                reservation, deadlineNanos);
        return result(sandboxId, socket, method, reply);
    }

    /** {@return the result of a successful reply} else the sandbox's error, as a {@link ControlException.Kind#REMOTE} */
    private static JsonValue result(String sandboxId, Path socket, String method, JsonValue reply) throws ControlException {
        ReplyDecoder.Envelope envelope = decode(sandboxId, socket, method, () -> ReplyDecoder.envelope(reply));
        if (!envelope.success()) {
            throw new ControlException(sandboxId, ControlException.Kind.REMOTE,
                    method + " failed: " + envelope.err(), envelope.err(), null);
        }
        return envelope.result();
    }

    /** {@return the request bytes, exactly as runsc writes them} */
    static byte[] request(String method, JsonValue arg) {
        Map<String, JsonValue> request = new LinkedHashMap<>();
        request.put("method", new JsonString(method));
        request.put("arg", arg);
        return Json.writeBytes(new JsonObject(request));
    }

    /** One decoding step over a reply the sandbox sent. */
    @FunctionalInterface
    private interface DecodeStep<T> {
        T run() throws ReplyDecoder.BadReply;
    }

    /**
     * Runs a decoding step so that nothing but {@link ControlException} escapes: a model record that
     * refuses a value is a bad reply like any other, not a bug of the caller.
     */
    private static <T> T decode(String sandboxId, Path socket, String method, DecodeStep<T> step)
            throws ControlException {
        try {
            return step.run();
        } catch (ReplyDecoder.BadReply | RuntimeException e) {
            return throwBadReply(sandboxId, socket, method, e);
        }
    }

    private static <T> T throwBadReply(String sandboxId, Path socket, String method, Exception e)
            throws ControlException {
        throw new ControlException(sandboxId, ControlException.Kind.PROTOCOL,
                "bad reply to " + method + " from " + socket + ": " + e.getMessage(), null, e);
    }
}
