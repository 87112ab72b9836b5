// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import runsc.metrics.exposition.Data;
import runsc.metrics.json.Json;
import runsc.metrics.json.JsonObject;
import runsc.metrics.json.JsonValue;
import runsc.metrics.exposition.Metric;
import runsc.metrics.exposition.MetricRegistration;
import runsc.metrics.exposition.MetricType;
import runsc.metrics.exposition.RegisteredMetric;
import runsc.metrics.exposition.Snapshot;
import runsc.metrics.exposition.ValueType;
import runsc.metrics.runtime.LoadedSandbox;
import runsc.metrics.server.config.ServerConfig;
import runsc.metrics.testing.ProjectFiles;
import runsc.metrics.testing.ScratchDir;

/** Shared fixtures of the server tests: short roots, fast configs, a raw HTTP client, a line check. */
final class ServerTestSupport {
    static final Path UPSTREAM_SAMPLE = ProjectFiles.sample("upstream-metric-server-output.txt");
    static final Path REAL_STATE = ProjectFiles.sample("real-state-sb1.json");

    private ServerTestSupport() {}

    /** A fresh directory directly under /tmp, so that socket paths stay short. */
    static Path shortDir() throws IOException {
        return ScratchDir.create("rm").path();
    }

    /** Settings with short deadlines so that timeout tests stay fast: 2 s scrape, 500 ms floor. */
    static ServerConfig fastConfig(Path root, String address, int maxParallel) {
        return config(root, address, maxParallel, Duration.ofSeconds(2), Duration.ofMillis(500));
    }

    static ServerConfig config(Path root, String address, int maxParallel, Duration scrape, Duration floor) {
        return ServerConfig.of(root.toString(), address, "runsc_", maxParallel).withDeadlines(scrape, floor);
    }

    static SandboxDiscovery discovery(ServerConfig config, List<String> log) {
        return new SandboxDiscovery(config, Clock.systemUTC(), log::add);
    }

    /**
     * A snapshot time that is strictly later than every earlier one (the verifier wants strictly
     * increasing times) and never after the wall clock.
     */
    private static final AtomicReference<Instant> LAST = new AtomicReference<>(Instant.EPOCH);

    static Instant freshTime() {
        return LAST.updateAndGet(last -> {
            Instant now = Instant.now().minusMillis(1);
            return now.isAfter(last) ? now : last.plusNanos(1);
        });
    }

    /**
     * The registration a sandbox was created with. A served sandbox drops the registration JSON once
     * its verifier is built, so it is read again from the state file: a simulated sandbox's sits next
     * to its control socket; the real-sample sandboxes of {@link #writeRealSandbox} all have the
     * registration of {@link #REAL_STATE}.
     */
    static MetricRegistration registration(LoadedSandbox sandbox) throws IOException {
        JsonValue json = sandbox.sandbox().registeredMetrics();
        if (json == null) {
            String id = sandbox.sandbox().id();
            Path beside = Path.of(sandbox.sandbox().controlSocketPath()).resolveSibling(id + "_sandbox:" + id + ".state");
            JsonValue state = Json.parse(Files.readAllBytes(Files.exists(beside) ? beside : REAL_STATE));
            json = ((JsonObject) ((JsonObject) state).get("sandbox")).get("registeredMetrics");
        }
        return MetricRegistration.fromJson(json);
    }

    /** A valid snapshot for any sandbox: its first registered counter without fields, at a fresh time. */
    static Snapshot validSnapshot(LoadedSandbox sandbox, long value) throws IOException {
        MetricRegistration registration = registration(sandbox);
        for (RegisteredMetric m : registration.metrics()) {
            if (m.cumulative() && m.fields().isEmpty() && m.type().orElse(null) == ValueType.UINT64) {
                Metric metric = new Metric(m.prometheusName(), MetricType.COUNTER, m.description());
                return new Snapshot(freshTime(), List.of(Data.ofNumber(metric, Map.of(),
                        runsc.metrics.exposition.NumberValue.ofInt(value))));
            }
        }
        throw new AssertionError("no plain counter registered");
    }

    /**
     * Writes a sandbox made from the real 2024 state file of sb1 (fixed creation time, metadata and
     * capabilities), renamed, with this JVM's pid so that it counts as alive, and an empty lock file.
     *
     * @param extraSandboxMembers JSON members inserted into the {@code sandbox} object, such as
     *                            {@code "restored":true,}
     */
    static void writeRealSandbox(Path root, String id, String pod, String address, String extraSandboxMembers)
            throws IOException {
        writeRealSandbox(root, id, pod, address, extraSandboxMembers, ProcessHandle.current().pid());
    }

    static void writeRealSandbox(Path root, String id, String pod, String address, String extraSandboxMembers, long pid)
            throws IOException {
        String text = Files.readString(REAL_STATE, StandardCharsets.UTF_8);
        for (String part : List.of("\"pid\":4500", "\"namespace\":\"prod\",", "/run/runsc-demo/metrics.sock")) {
            if (text.indexOf(part) != text.lastIndexOf(part) || !text.contains(part)) {
                throw new AssertionError("sample changed: " + part);
            }
        }
        text = text.replace("sb1", id).replace("web-0", pod)
                .replace("\"pid\":4500", "\"pid\":" + pid)
                .replace("/run/runsc-demo/metrics.sock", address)
                .replace("\"namespace\":\"prod\",", "\"namespace\":\"prod\"," + extraSandboxMembers);
        Files.createDirectories(root);
        Files.writeString(root.resolve(id + "_sandbox:" + id + ".state"), text, StandardCharsets.UTF_8);
        Files.write(root.resolve(id + "_sandbox:" + id + ".lock"), new byte[0]);
    }

    /** A response of the raw client. */
    record Response(int status, Map<String, String> headers, String body) {}

    static Response get(Path socket, String target) throws IOException {
        return request(UnixDomainSocketAddress.of(socket), target);
    }

    static Response get(String hostPort, String target) throws IOException {
        int colon = hostPort.lastIndexOf(':');
        return request(new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))), target);
    }

    /** One GET with {@code Connection: close}; reads to EOF; decodes a chunked body. */
    static Response request(SocketAddress address, String target) throws IOException {
        StandardProtocolFamily family = address instanceof UnixDomainSocketAddress ? StandardProtocolFamily.UNIX
                : ((InetSocketAddress) address).getAddress() instanceof java.net.Inet6Address ? StandardProtocolFamily.INET6
                : StandardProtocolFamily.INET;
        try (SocketChannel ch = SocketChannel.open(family)) {
            ch.connect(address);
            OutputStream out = Channels.newOutputStream(ch);
            out.write(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = Channels.newInputStream(ch);
            byte[] all = in.readAllBytes();
            return parse(all);
        }
    }

    private static Response parse(byte[] all) throws IOException {
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("no header end in " + all.length + " bytes");
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        byte[] raw = java.util.Arrays.copyOfRange(all, end + 4, all.length);
        byte[] body = raw;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(raw);
        } else if (headers.containsKey("content-length")) {
            int n = Integer.parseInt(headers.get("content-length"));
            if (raw.length < n) {
                throw new IOException("body cut short: " + raw.length + " of " + n + " bytes");
            }
            body = java.util.Arrays.copyOf(raw, n);
        }
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pos = 0;
        while (true) {
            int lineEnd = indexOfCrlf(raw, pos);
            String sizeText = new String(raw, pos, lineEnd - pos, StandardCharsets.ISO_8859_1);
            int semicolon = sizeText.indexOf(';');
            int size = Integer.parseInt(semicolon < 0 ? sizeText.trim() : sizeText.substring(0, semicolon).trim(), 16);
            pos = lineEnd + 2;
            if (size == 0) {
                return out.toByteArray();
            }
            if (pos + size > raw.length) {
                throw new IOException("chunk cut short");
            }
            out.write(raw, pos, size);
            pos += size + 2;
        }
    }

    private static int indexOfCrlf(byte[] b, int from) throws IOException {
        for (int i = from; i + 1 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        throw new IOException("chunked body cut short");
    }

    private static final Pattern COMMENT = Pattern.compile("# (HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*|TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram|untyped)|.*)");
    private static final Pattern SAMPLE = Pattern.compile(
            "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*})? "
                    + "([+-]?[0-9.]+(e[+-]?[0-9]+)?|NaN|[+-]Inf)( -?[0-9]+)?");

    /**
     * A small structural check of an exposition body: every line is a comment, blank, or a sample
     * line; the body ends with upstream's end comment and a newline; every sample has a TYPE.
     */
    static void assertParses(String body) {
        assertTrue(body.endsWith("# End of metric data.\n"), () -> "no end line: ..." + tail(body));
        List<String> typed = new ArrayList<>();
        for (String line : body.substring(0, body.length() - 1).split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                if (!COMMENT.matcher(line).matches()) {
                    fail("bad comment line: " + line);
                }
                if (line.startsWith("# TYPE ")) {
                    typed.add(line.split(" ")[2]);
                }
                continue;
            }
            if (!SAMPLE.matcher(line).matches()) {
                fail("bad sample line: " + line);
            }
            String name = line.split("[{ ]", 2)[0];
            if (typed.stream().noneMatch(t -> name.equals(t) || name.startsWith(t + "_"))) {
                fail("sample without TYPE: " + line);
            }
        }
    }

    private static String tail(String s) {
        return s.substring(Math.max(0, s.length() - 200));
    }

    /** Sample lines of one metric name (exact), in body order. */
    static List<String> lines(String body, String name) {
        List<String> out = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                out.add(line);
            }
        }
        return out;
    }

    /** Waits up to 10 s for a condition polled every 20 ms. */
    static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    static Optional<String> label(String line, String key) {
        var m = Pattern.compile("[{,]" + key + "=\"([^\"]*)\"").matcher(line);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
