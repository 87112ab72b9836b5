// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import runsc.metrics.testing.RealRoot;
import runsc.metrics.testing.RealRunsc;
import runsc.metrics.testing.RuntimeImage;
import runsc.metrics.testing.SandboxSpec;
import runsc.metrics.testing.ScratchDir;
import runsc.metrics.testing.Tools;

/**
 * gVisor's documented set-up of the metric server inside a sandbox, with real runsc: two ordinary
 * sandboxes and a third that runs {@code runsc-metrics metric-server} from the image (bind-mounted
 * read-only) with {@code --host-uds=all}, the runsc root bind-mounted read-write at its own path and
 * a tmpfs {@code /tmp}. Inside gVisor no host PID exists, so {@code kill(pid, 0)} alone would serve
 * nothing; the server must serve all three, its own sandbox included, each with data.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES) // three sandboxes, then STARTUP, then clean-up
class InGvisorMetricServerTest {
    /** Where the image appears inside the server's sandbox. */
    private static final String IMAGE_MOUNT = "/opt/runsc-metrics";
    /** A JVM starting inside gVisor on a busy two-core machine: far more than the usual 5-10 s. */
    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final String SERVER_ID = "ms";

    @Test
    void servesEverySandboxItsOwnIncludedOverTheHostVisibleUnixSocket() throws Exception {
        try (RealRoot root = RealRoot.create(); ScratchDir dir = ScratchDir.create("ig")) {
            String address = root.metricServerAddress();
            // Until the server has bound its socket there is nothing to connect to.
            check(root, dir, address, false, () -> Files.exists(Path.of(address))
                    ? Optional.of(Curl.unix(Path.of(address), "/metrics")) : Optional.empty());
        }
    }

    /**
     * The TCP form: with {@code --network=host} and no network namespace in the spec, the sandbox
     * uses the host's network stack, so the server's port is the host's.
     */
    @Test
    void servesEverySandboxItsOwnIncludedOverTcpWithTheHostNetwork() throws Exception {
        try (RealRoot root = RealRoot.create(); ScratchDir dir = ScratchDir.create("ig")) {
            String address = "127.0.0.1:" + Tools.freePort();
            check(root, dir, address, true, () -> Curl.tryUrl("http://" + address + "/metrics"));
        }
    }

    /** One scrape, or empty while the server does not listen yet. */
    @FunctionalInterface
    private interface Scrape {
        Optional<HttpReply> get() throws IOException, InterruptedException;
    }

    private static void check(RealRoot root, ScratchDir dir, String address, boolean hostNetwork, Scrape scrape)
            throws Exception {
        RealRunsc.assumeAvailable();
        Curl.assumeInstalled();
        root.start(SandboxSpec.pod("sb1", "web-0", "prod").withMetricServer(address));
        root.start(SandboxSpec.plain("sb2").withMetricServer(address));
        Path bundle = Files.createDirectories(dir.resolve(SERVER_ID));
        Path output = dir.resolve("server.out");
        try {
            startServerSandbox(root.path(), bundle, output, address, hostNetwork, "/" + dir.path().getFileName() + "-ms");
            String body = awaitAllThree(scrape, output);
            for (String id : List.of("sb1", "sb2", SERVER_ID)) {
                assertTrue(body.lines().anyMatch(l -> l.startsWith("runsc_meta_sandbox_running{")
                        && l.contains("sandbox=\"" + id + "\"") && l.contains("} 1 ")), id + " runs:\n" + body);
                assertTrue(body.lines().anyMatch(l -> l.startsWith("runsc_fs_opens{") && l.contains("sandbox=\"" + id + "\"")),
                        id + " has data:\n" + body);
            }
            assertTrue(body.contains("\nrunsc_meta_num_sandboxes_running 3 "), body);
            assertTrue(body.contains("\nrunsc_meta_num_sandboxes_total 3 "), body);
            assertTrue(body.contains("\nrunsc_meta_num_sandboxes_broken_metrics 0 "), body);
            String err = Files.readString(output, StandardCharsets.UTF_8);
            assertTrue(err.lines().anyMatch(l -> l.startsWith("metric server listening on " + address + " (root \"" + root.path()
                    + "\"): serving ")), err);
            assertTrue(err.contains("sandbox PIDs do not exist here"), err);
        } finally {
            runsc(root.path(), List.of("kill", SERVER_ID, "KILL"), dir.resolve("kill.out"));
            runsc(root.path(), List.of("delete", "--force", SERVER_ID), dir.resolve("delete.out"));
        }
    }

    /** Scrapes until all three sandboxes answer, or fails after {@link #STARTUP} with the server's output. */
    private static String awaitAllThree(Scrape scrape, Path output) throws Exception {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        String last = "(no answer yet)";
        while (System.nanoTime() - deadline < 0) {
            Optional<HttpReply> reply = scrape.get();
            if (reply.isPresent()) {
                last = reply.get().status() + "\n" + reply.get().text();
                if (reply.get().status() == 200 && reply.get().text().contains("\nrunsc_meta_num_sandboxes_running 3 ")) {
                    return reply.get().text();
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the metric server in the sandbox did not serve all three within " + STARTUP.toSeconds()
                + " s; last reply: " + last + "\nits output:\n" + Files.readString(output, StandardCharsets.UTF_8));
    }

    private static void startServerSandbox(Path root, Path bundle, Path output, String address, boolean hostNetwork,
                                           String cgroupsPath) throws IOException, InterruptedException {
        Path image = RuntimeImage.home();
        Files.writeString(bundle.resolve("config.json"), config(image, root, address, hostNetwork, cgroupsPath));
        String network = hostNetwork ? "--network=host" : "--network=none";
        List<List<String>> commands = List.of(List.of("create", "--bundle", bundle.toString(), SERVER_ID),
                List.of("start", SERVER_ID));
        for (List<String> command : commands) {
            List<String> args = new ArrayList<>(List.of(network, "--host-uds=all", "--metric-server=" + address));
            args.addAll(command);
            int status = runsc(root, args, output);
            assertEquals(0, status, () -> "runsc " + args + ": " + read(output));
        }
    }

    /** Runs {@code runsc --root=ROOT ARGS} with stdout and stderr appended to {@code output} (the sandbox keeps them). */
    private static int runsc(Path root, List<String> args, Path output) throws IOException, InterruptedException {
        Path bin = RealRunsc.binary().orElseThrow();
        List<String> command = new ArrayList<>(List.of(bin.toString(), "--root=" + root));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                .redirectErrorStream(true).start();
        if (!p.waitFor(RealRunsc.COMMAND_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("runsc " + args + " did not finish within " + RealRunsc.COMMAND_DEADLINE.toSeconds() + " s");
        }
        return p.exitValue();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(" + e.getMessage() + ")";
        }
    }

    /**
     * The server sandbox's OCI spec: the host's root read-only, the image read-only at
     * {@value #IMAGE_MOUNT}, the runsc root read-write at its own path (state files record absolute
     * paths), a tmpfs {@code /tmp} for the JVM; without a network namespace for the host network.
     */
    static String config(Path image, Path root, String address, boolean hostNetwork, String cgroupsPath) {
        String namespaces = "{\"type\": \"pid\"}, {\"type\": \"ipc\"}, {\"type\": \"uts\"}, {\"type\": \"mount\"}"
                + (hostNetwork ? "" : ", {\"type\": \"network\"}");
        return """
                {
                  "ociVersion": "1.0.0",
                  "process": {
                    "terminal": false,
                    "user": {"uid": 0, "gid": 0},
                    "args": [%s, %s, %s, "metric-server"],
                    "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                    "cwd": "/"
                  },
                  "root": {"path": "/", "readonly": true},
                  "hostname": "runsc-metrics",
                  "mounts": [
                    {"destination": "/proc", "type": "proc", "source": "proc"},
                    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs"},
                    {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
                    {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"},
                    {"destination": %s, "type": "bind", "source": %s, "options": ["rbind", "ro"]},
                    {"destination": %s, "type": "bind", "source": %s, "options": ["rbind", "rw"]}
                  ],
                  "linux": {"cgroupsPath": %s, "namespaces": [%s]}
                }
                """.formatted(quote(IMAGE_MOUNT + "/bin/runsc-metrics"), quote("--root=" + root),
                quote("--metric-server=" + address), quote(IMAGE_MOUNT), quote(image.toString()), quote(root.toString()),
                quote(root.toString()), quote(cgroupsPath), namespaces);
    }

    /** A JSON string of a path or flag (no character here needs more than the two escapes). */
    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
