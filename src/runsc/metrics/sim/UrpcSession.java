// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.sim;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import runsc.metrics.gotext.GoQuote;
import runsc.metrics.json.Json;
import runsc.metrics.json.JsonBool;
import runsc.metrics.json.JsonFramer;
import runsc.metrics.json.JsonLimits;
import runsc.metrics.json.JsonNull;
import runsc.metrics.json.JsonObject;
import runsc.metrics.json.JsonString;
import runsc.metrics.json.JsonValue;

/**
 * The server side of one control connection, as gVisor's urpc server behaves: requests are read
 * one JSON value at a time with a fresh decoder each (bytes that came in the same read after the
 * value are dropped, so pipelined requests get one reply), each is answered before the next is read,
 * the connection stays open after a reply, and anything that does not decode as a call (malformed
 * JSON, an array, a string, a method that is not a string) closes it without a reply.
 */
final class UrpcSession {
    /** Requests are small; a larger one closes the connection, as a decoding failure does. */
    static final int MAX_REQUEST_BYTES = 1 << 20;
    private static final JsonLimits REQUEST_LIMITS =
            new JsonLimits(JsonLimits.DEFAULT_MAX_DEPTH, MAX_REQUEST_BYTES, JsonLimits.DuplicateKeys.KEEP_LAST);
    private static final byte[] GARBAGE = "\u0000garbage from a confused sandbox\n".getBytes(StandardCharsets.UTF_8);

    private final SimulatedSandbox sandbox;
    private final SocketChannel channel;

    UrpcSession(SimulatedSandbox sandbox, SocketChannel channel) {
        this.sandbox = sandbox;
        this.channel = channel;
    }

    /** Serves requests until the peer closes, a request fails to decode, or the sandbox stops. */
    void run() {
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        JsonFramer framer = new JsonFramer(REQUEST_LIMITS);
        try (channel) {
            while (true) {
                buffer.clear();
                int n = channel.read(buffer);
                if (n < 0) {
                    return;
                }
                framer.feed(buffer.array(), 0, n);
                if (!framer.complete()) {
                    continue;
                }
                JsonValue request = framer.take(); // the rest of this read is dropped, as Go does
                if (!answer(request)) {
                    return;
                }
            }
        } catch (IOException e) {
            // Malformed or oversized request, peer gone, or sandbox closed: the connection ends.
        }
    }

    /** Answers one decoded request; false means close the connection. */
    private boolean answer(JsonValue request) throws IOException {
        String method;
        JsonValue arg;
        switch (request) {
            case JsonNull n -> {
                method = "";
                arg = null;
            }
            case JsonObject o -> {
                JsonValue m = o.memberIgnoringCase("method");
                if (m == null || m instanceof JsonNull) {
                    method = "";
                } else if (m instanceof JsonString(String s)) {
                    method = s;
                } else {
                    return false;
                }
                arg = o.memberIgnoringCase("arg");
            }
            default -> {
                return false;
            }
        }
        Fault fault = sandbox.options().fault();
        switch (fault.kind()) {
            case STALL -> {
                drainUntilClosed();
                return false;
            }
            case GARBAGE -> {
                write(GARBAGE);
                return true;
            }
            default -> { }
        }
        byte[] reply;
        try {
            reply = switch (method) {
                case "Metrics.Export" -> export(arg);
                case "Metrics.GetRegisteredMetrics" -> registeredMetrics(arg);
                case "containerManager.ContainerRuntimeState" -> runtimeState(arg);
                case "containerManager.Event" -> event(arg);
                default -> failure("unknown method");
            };
        } catch (IllegalArgumentException e) {
            return false; // the result could not be encoded (a NaN): Go closes without a reply
        }
        if (reply == null) {
            return false;
        }
        if (fault.kind() == Fault.Kind.CLOSE) {
            write(java.util.Arrays.copyOf(reply, Math.min(10, reply.length)));
            return false;
        }
        write(reply);
        return true;
    }

    private byte[] export(JsonValue arg) throws IOException {
        if (arg == null) {
            return failure("unexpected end of JSON input");
        }
        String filter = "";
        switch (arg) {
            case JsonNull n -> { }
            case JsonObject o -> {
                JsonValue only = o.memberIgnoringCase("only_metrics");
                if (only instanceof JsonString(String s)) {
                    filter = s;
                } else if (only != null && !(only instanceof JsonNull)) {
                    return failure("json: cannot unmarshal " + goKind(only)
                            + " into Go struct field MetricsExportOpts.only_metrics of type string");
                }
            }
            default -> {
                return failure("json: cannot unmarshal " + goKind(arg) + " into Go value of type control.MetricsExportOpts");
            }
        }
        Predicate<String> pattern;
        try {
            pattern = GoRegexp.compile(filter);
        } catch (GoRegexp.InvalidRegexp e) {
            return failure(e.getMessage());
        }
        long call = sandbox.nextExportCall();
        Fault fault = sandbox.options().fault();
        if (fault.kind() == Fault.Kind.SLOW) {
            try {
                Thread.sleep(fault.millis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        if (fault.kind() == Fault.Kind.HUGE) {
            streamHugeReply();
            return null;
        }
        ReplyScript script = sandbox.options().replyScript();
        if (script != null) {
            return switch (script.reply(call)) {
                case ScriptedReply.Result r -> success(r.result());
                case ScriptedReply.Failure f -> failure(f.message());
                case ScriptedReply.Raw raw -> raw.bytes();
            };
        }
        return success(SnapshotJson.result(sandbox.takeSnapshot(pattern)));
    }

    private byte[] registeredMetrics(JsonValue arg) {
        if (arg == null) {
            return failure("unexpected end of JSON input");
        }
        if (!(arg instanceof JsonNull || arg instanceof JsonObject)) {
            return failure("json: cannot unmarshal " + goKind(arg) + " into Go value of type struct {}");
        }
        return success(new JsonObject(Map.of("RegisteredMetrics", StateFile.registration(sandbox.recorded().registration()))));
    }

    private byte[] runtimeState(JsonValue arg) {
        // 2 = running for the sandbox's own (root) container; any other ID is reported stopped (3).
        return withContainerId(arg, cid -> success(runsc.metrics.json.JsonNumber.of(cid.equals(sandbox.id()) ? 2 : 3)));
    }

    /** {@code containerManager.Event}: stats for the root container; another ID is gVisor's "not found". */
    private byte[] event(JsonValue arg) {
        return withContainerId(arg, cid -> {
            JsonObject result = sandbox.eventResult(cid);
            return result == null ? failure("container " + GoQuote.quote(cid) + " not found") : success(result);
        });
    }

    /**
     * Decodes the container ID argument of the {@code containerManager} calls as Go decodes a
     * {@code *string}: JSON null is the empty ID, anything but a string is an unmarshal error.
     */
    private static byte[] withContainerId(JsonValue arg, Function<String, byte[]> call) {
        if (arg == null) {
            return failure("unexpected end of JSON input");
        }
        return switch (arg) {
            case JsonString(String s) -> call.apply(s);
            case JsonNull n -> call.apply("");
            default -> failure("json: cannot unmarshal " + goKind(arg) + " into Go value of type string");
        };
    }

    private void streamHugeReply() throws IOException {
        String head = "{\"success\":true,\"err\":\"\",\"result\":{\"snapshot\":{\"when\":\""
                + SnapshotJson.rfc3339Nano(sandbox.now()) + "\",\"data\":[";
        String entry = "{\"metric\":{\"name\":\"sim_huge\",\"type\":1,\"help\":\"Padding.\"},\"val\":{\"int\":1}},";
        StringBuilder chunk = new StringBuilder(64 << 10);
        while (chunk.length() + entry.length() <= 64 << 10) {
            chunk.append(entry);
        }
        byte[] block = chunk.toString().getBytes(StandardCharsets.UTF_8);
        long sent = 0;
        byte[] headBytes = head.getBytes(StandardCharsets.UTF_8);
        write(headBytes);
        sent += headBytes.length;
        while (sent < SimulatedSandbox.HUGE_REPLY_BYTES) {
            write(block);
            sent += block.length;
        }
        write("{\"metric\":{\"name\":\"sim_huge\",\"type\":1,\"help\":\"Padding.\"},\"val\":{}}]}}}"
                .getBytes(StandardCharsets.UTF_8));
    }

    private void drainUntilClosed() throws IOException {
        ByteBuffer sink = ByteBuffer.allocate(1024);
        while (channel.read(sink.clear()) >= 0) {
            // A stalled sandbox reads and never answers.
        }
    }

    private void write(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    static byte[] success(JsonValue result) {
        Map<String, JsonValue> reply = new LinkedHashMap<>();
        reply.put("success", JsonBool.TRUE);
        reply.put("err", new JsonString(""));
        reply.put("result", result);
        return Json.writeBytes(new JsonObject(reply));
    }

    static byte[] failure(String message) {
        Map<String, JsonValue> reply = new LinkedHashMap<>();
        reply.put("success", JsonBool.FALSE);
        reply.put("err", new JsonString(message));
        reply.put("result", JsonNull.INSTANCE);
        return Json.writeBytes(new JsonObject(reply));
    }


    /** The JSON kind word in Go's {@code UnmarshalTypeError} text. */
    static String goKind(JsonValue v) {
        return switch (v) {
            case JsonObject o -> "object";
            case runsc.metrics.json.JsonArray a -> "array";
            case JsonString s -> "string";
            case runsc.metrics.json.JsonNumber n -> "number";
            case JsonBool b -> "bool";
            case JsonNull n -> "null";
        };
    }
}
