// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import runsc.metrics.json.Json;
import runsc.metrics.json.JsonBool;
import runsc.metrics.json.JsonNull;
import runsc.metrics.json.JsonNumber;
import runsc.metrics.json.JsonObject;
import runsc.metrics.json.JsonString;
import runsc.metrics.json.JsonValue;

/**
 * The body of {@code /runsc-metrics/sandboxes}: one JSON object,
 * {@code {"root":R,"total":N,"listed":M,"truncated":B,"sandboxes":[...]}}, entries sorted by sandbox
 * ID then state file. The body is bounded: each text field is cut at {@link #MAX_FIELD_CHARS}, and
 * entries stop before the body would pass {@link #MAX_BODY_BYTES} ({@code truncated} then says so),
 * so a root with tens of thousands of state files, or a sandbox error of megabytes, cannot make the
 * answer grow without bound.
 */
final class SandboxListingJson {
    /** The largest body; about 10 000 entries of ordinary length fit. */
    static final int MAX_BODY_BYTES = 4 << 20;
    /** The longest text of one field (an error message, a path), in chars. */
    static final int MAX_FIELD_CHARS = 1024;
    /** Room kept for the object's head and tail. */
    private static final int HEAD_ROOM = 2 * MAX_FIELD_CHARS + 128;

    private SandboxListingJson() {}

    static byte[] write(String root, List<SandboxListing.Entry> entries) {
        List<SandboxListing.Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(SandboxListing.Entry::id).thenComparing(SandboxListing.Entry::stateFile));
        StringBuilder array = new StringBuilder(Math.min(MAX_BODY_BYTES, 256 * (sorted.size() + 1)));
        int listed = 0;
        // Bytes, not chars: the bound is on what is sent. JSON escapes keep entries ASCII except
        // for non-ASCII text, counted here at UTF-8's length.
        long bytes = HEAD_ROOM;
        for (SandboxListing.Entry e : sorted) {
            String json = Json.write(entry(e));
            long size = json.getBytes(StandardCharsets.UTF_8).length + 1L;
            if (bytes + size > MAX_BODY_BYTES) {
                break;
            }
            if (listed > 0) {
                array.append(',');
            }
            array.append(json);
            bytes += size;
            listed++;
        }
        Map<String, JsonValue> head = new LinkedHashMap<>();
        head.put("root", text(root));
        head.put("total", JsonNumber.of(sorted.size()));
        head.put("listed", JsonNumber.of(listed));
        head.put("truncated", JsonBool.of(listed < sorted.size()));
        String prefix = Json.write(new JsonObject(head));
        StringBuilder body = new StringBuilder(prefix.length() + array.length() + 16);
        body.append(prefix, 0, prefix.length() - 1).append(",\"sandboxes\":[").append(array).append("]}");
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static JsonObject entry(SandboxListing.Entry e) {
        Map<String, JsonValue> m = new LinkedHashMap<>();
        m.put("state_file", text(e.stateFile()));
        m.put("id", text(e.id()));
        m.put("address", text(e.address()));
        m.put("status", new JsonString(e.status() == SandboxListing.Status.SERVED ? "served" : "not_served"));
        m.put("reason", text(e.reason()));
        m.put("last_scrape", lastScrape(e.lastScrape()));
        return new JsonObject(m);
    }

    private static JsonValue lastScrape(SandboxListing.LastScrape last) {
        return switch (last) {
            case SandboxListing.LastScrape.None _ -> JsonNull.INSTANCE;
            case SandboxListing.LastScrape.Ok ok -> {
                Map<String, JsonValue> m = new LinkedHashMap<>();
                m.put("outcome", new JsonString("ok"));
                m.put("at", time(ok.at()));
                yield new JsonObject(m);
            }
            case SandboxListing.LastScrape.Broken broken -> {
                Map<String, JsonValue> m = new LinkedHashMap<>();
                m.put("outcome", new JsonString("broken"));
                m.put("at", time(broken.at()));
                m.put("error", text(broken.error()));
                yield new JsonObject(m);
            }
        };
    }

    private static JsonString time(Instant at) {
        return new JsonString(DateTimeFormatter.ISO_INSTANT.format(at));
    }

    private static JsonString text(String s) {
        return new JsonString(s.length() <= MAX_FIELD_CHARS ? s : s.substring(0, MAX_FIELD_CHARS) + "...");
    }
}
