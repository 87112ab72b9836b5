// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The real {@code containerManager.Event} exchanges in
 * {@code test/resources/samples/real-event-stats-captures.txt} (made by
 * {@code scripts/capture-event-stats.py}): per case, the request and reply bytes and what
 * {@code runsc events --stats} printed.
 */
public final class EventCaptures {
    /** The fixture, relative to the repo root (the working directory of {@code make test}). */
    public static final Path FILE = ProjectFiles.sample("real-event-stats-captures.txt");

    /**
     * One captured exchange.
     *
     * @param name        the case: single, multi-root, multi-app, net-1, net-2
     * @param containerId the container asked about
     * @param request     the request bytes (ASCII)
     * @param reply       the reply bytes (ASCII)
     * @param stdout      the JSON line {@code runsc events --stats} printed
     */
    public record Capture(String name, String containerId, String request, String reply, String stdout) { }

    private EventCaptures() {}

    /** {@return every capture, in file order} */
    public static List<Capture> all() {
        List<String> lines;
        try {
            lines = Files.readAllLines(FILE, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Capture> out = new ArrayList<>();
        String name = null;
        String id = null;
        String request = null;
        String reply = null;
        for (String l : lines) {
            if (l.startsWith("### ")) {
                name = l.substring(4, l.indexOf(':'));
                String rest = l.substring(l.indexOf("--stats ") + 8);
                id = rest.substring(0, rest.indexOf(' '));
            } else if (l.startsWith(">>> SENT")) {
                request = bytesRepr(l);
            } else if (l.startsWith("<<< RECEIVED")) {
                reply = bytesRepr(l);
            } else if (l.startsWith("=== STDOUT ")) {
                out.add(new Capture(name, id, request, reply, l.substring("=== STDOUT ".length())));
            }
        }
        if (out.isEmpty()) {
            throw new AssertionError("no captures in " + FILE);
        }
        return out;
    }

    /** {@return the capture of this case} */
    public static Capture named(String name) {
        return all().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no capture named " + name + " in " + FILE));
    }

    /** The bytes of a line ending in a Python bytes repr {@code b'...'}, one char each (the captures are ASCII). */
    static String bytesRepr(String line) {
        String repr = line.substring(line.indexOf("b'") + 2, line.length() - 1);
        return new String(PythonBytes.decode(repr), StandardCharsets.ISO_8859_1);
    }
}
