// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.control;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import runsc.metrics.json.JsonArray;
import runsc.metrics.json.JsonNull;
import runsc.metrics.json.JsonNumber;
import runsc.metrics.json.JsonObject;
import runsc.metrics.json.JsonString;
import runsc.metrics.json.JsonValue;

/**
 * Decodes the result of {@code containerManager.Event} ({@code boot.EventOut} of gVisor's
 * runsc/boot/events.go) into {@link ContainerStats}, with Go's rules as {@link ReplyDecoder} applies
 * them: member names match case-insensitively (the last match wins), unknown members are ignored,
 * absent or {@code null} is zero. Stricter than Go where a value would end up in a series: a count
 * must be an integer from 0 to 2^63-1, a network interface must be an object with a non-empty name
 * that no other interface has, and {@code event} must be there with {@code event.id} the container
 * that was asked about, so that no reply is counted for the wrong container. Every error
 * names the JSON path of the offending value.
 */
final class EventDecoder {
    private EventDecoder() {}

    static ContainerStats eventResult(JsonValue result, String containerId) throws ReplyDecoder.BadReply {
        JsonObject r = object(result, "result");
        JsonValue e = r.memberIgnoringCase("event");
        if (e == null || e instanceof JsonNull) {
            throw new ReplyDecoder.BadReply("result.event is " + (e == null ? "missing" : "null"));
        }
        JsonObject event = object(e, "result.event");
        String id = string(event.memberIgnoringCase("id"), "result.event.id");
        if (!id.equals(containerId)) {
            throw new ReplyDecoder.BadReply("result.event.id: the stats are for container \"" + id
                    + "\", not for \"" + containerId + "\" as asked");
        }
        JsonObject data = optionalObject(event.memberIgnoringCase("data"), "result.event.data");
        JsonObject cpu = optionalObject(data.memberIgnoringCase("cpu"), "result.event.data.cpu");
        JsonObject cpuUsage = optionalObject(cpu.memberIgnoringCase("usage"), "result.event.data.cpu.usage");
        long total = count(cpuUsage.memberIgnoringCase("total"), "result.event.data.cpu.usage.total");
        return new ContainerStats(containerId, total == 0 ? OptionalLong.empty() : OptionalLong.of(total),
                containerUsage(r.memberIgnoringCase("containerUsage")),
                memory(optionalObject(data.memberIgnoringCase("memory"), "result.event.data.memory")),
                pids(optionalObject(data.memberIgnoringCase("pids"), "result.event.data.pids")),
                interfaces(data.memberIgnoringCase("network_interfaces")));
    }

    private static Map<String, Long> containerUsage(JsonValue v) throws ReplyDecoder.BadReply {
        JsonObject o = optionalObject(v, "result.containerUsage");
        Map<String, Long> usage = new LinkedHashMap<>();
        for (Map.Entry<String, JsonValue> e : o.members().entrySet()) {
            usage.put(e.getKey(), count(e.getValue(), "result.containerUsage." + e.getKey()));
        }
        return usage;
    }

    private static ContainerStats.Memory memory(JsonObject memory) throws ReplyDecoder.BadReply {
        String path = "result.event.data.memory";
        JsonObject usage = optionalObject(memory.memberIgnoringCase("usage"), path + ".usage");
        return new ContainerStats.Memory(count(usage.memberIgnoringCase("usage"), path + ".usage.usage"),
                count(usage.memberIgnoringCase("limit"), path + ".usage.limit"),
                count(usage.memberIgnoringCase("max"), path + ".usage.max"),
                count(usage.memberIgnoringCase("failcnt"), path + ".usage.failcnt"),
                count(memory.memberIgnoringCase("cache"), path + ".cache"));
    }

    private static ContainerStats.Pids pids(JsonObject pids) throws ReplyDecoder.BadReply {
        return new ContainerStats.Pids(count(pids.memberIgnoringCase("current"), "result.event.data.pids.current"),
                count(pids.memberIgnoringCase("limit"), "result.event.data.pids.limit"));
    }

    private static List<ContainerStats.Interface> interfaces(JsonValue v) throws ReplyDecoder.BadReply {
        String path = "result.event.data.network_interfaces";
        if (v == null || v instanceof JsonNull) {
            return List.of();
        }
        if (!(v instanceof JsonArray array)) {
            throw wrongType(path, v, "array");
        }
        List<ContainerStats.Interface> out = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (int i = 0; i < array.elements().size(); i++) {
            String at = path + "[" + i + "]";
            JsonValue e = array.elements().get(i);
            if (e instanceof JsonNull) {
                throw new ReplyDecoder.BadReply(at + " is null");
            }
            JsonObject o = object(e, at);
            String name = string(o.memberIgnoringCase("Name"), at + ".Name");
            if (name.isEmpty()) {
                throw new ReplyDecoder.BadReply(at + ".Name is empty");
            }
            Integer before = seen.putIfAbsent(name, i);
            if (before != null) {
                throw new ReplyDecoder.BadReply(at + ".Name: interface \"" + name + "\" is also " + path + "["
                        + before + "]");
            }
            out.add(new ContainerStats.Interface(name,
                    count(o.memberIgnoringCase("RxBytes"), at + ".RxBytes"),
                    count(o.memberIgnoringCase("RxPackets"), at + ".RxPackets"),
                    count(o.memberIgnoringCase("RxErrors"), at + ".RxErrors"),
                    count(o.memberIgnoringCase("RxDropped"), at + ".RxDropped"),
                    count(o.memberIgnoringCase("TxBytes"), at + ".TxBytes"),
                    count(o.memberIgnoringCase("TxPackets"), at + ".TxPackets"),
                    count(o.memberIgnoringCase("TxErrors"), at + ".TxErrors"),
                    count(o.memberIgnoringCase("TxDropped"), at + ".TxDropped")));
        }
        return out;
    }

    /** A uint64 field that must also fit an int64; absent or null is 0, as Go leaves it. */
    private static long count(JsonValue v, String path) throws ReplyDecoder.BadReply {
        if (v == null || v instanceof JsonNull) {
            return 0;
        }
        if (!(v instanceof JsonNumber n)) {
            throw wrongType(path, v, "integer");
        }
        if (!n.isInteger() || n.token().startsWith("-")) {
            throw new ReplyDecoder.BadReply(path + ": " + n.token() + " is not a count (an integer from 0 to "
                    + Long.MAX_VALUE + ")");
        }
        try {
            return n.longValueExact();
        } catch (ArithmeticException e) {
            throw new ReplyDecoder.BadReply(path + ": " + n.token() + " is larger than " + Long.MAX_VALUE);
        }
    }

    private static String string(JsonValue v, String path) throws ReplyDecoder.BadReply {
        return switch (v) {
            case null -> "";
            case JsonNull n -> "";
            case JsonString(String s) -> s;
            default -> throw wrongType(path, v, "string");
        };
    }

    /** An object member that Go would leave zero when absent or null: then an empty object. */
    private static JsonObject optionalObject(JsonValue v, String path) throws ReplyDecoder.BadReply {
        return v == null || v instanceof JsonNull ? JsonObject.EMPTY : object(v, path);
    }

    private static JsonObject object(JsonValue v, String path) throws ReplyDecoder.BadReply {
        if (v instanceof JsonObject o) {
            return o;
        }
        throw wrongType(path, v, "object");
    }

    private static ReplyDecoder.BadReply wrongType(String path, JsonValue v, String expected) {
        String word = v.typeName();
        return new ReplyDecoder.BadReply(path + " is " + article(word) + ", not " + article(expected));
    }

    private static String article(String word) {
        return ("aeiou".indexOf(word.charAt(0)) >= 0 ? "an " : "a ") + word;
    }
}
