// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The command line in-process: exit statuses, usage on errors, help and version. */
class CliTest {
    record Result(int status, String out, String err) {}

    static Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = new Cli(o, e, env).run(args);
        }
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Result run(String... args) {
        return run(Map.of(), args);
    }

    /** {@code metric-server} over {@code root}, serving on {@code address}, with {@code flags} after the subcommand. */
    static Result serve(Path root, String address, String... flags) {
        List<String> args = new ArrayList<>(List.of("--root=" + root, "--metric-server=" + address, "metric-server"));
        args.addAll(List.of(flags));
        return run(args.toArray(String[]::new));
    }

    /** The command failed (status 128) with exactly {@code stderr}. */
    static void assertFailsWith(String stderr, Result r) {
        assertEquals(128, r.status(), r::err);
        assertEquals(stderr, r.err());
    }

    @Test
    void versionPrintsTheBuildVersion() {
        Result r = run("--version");
        assertEquals(0, r.status());
        assertTrue(r.out().startsWith("runsc-metrics version "), r.out());
        assertEquals("", r.err());
    }

    @Test
    void noSubcommandIsAUsageError() {
        Result r = run();
        assertEquals(128, r.status());
        assertTrue(r.err().startsWith("no subcommand given\nUsage: runsc-metrics "), r.err());
        assertEquals("", r.out());
    }

    @Test
    void unknownSubcommandIsAUsageError() {
        Result r = run("--root=/x", "frobnicate");
        assertEquals(128, r.status());
        assertTrue(r.err().startsWith("unknown subcommand \"frobnicate\"\n"), r.err());
    }

    @Test
    void unknownSubcommandFlagPrintsGoMessageAndTheSubcommandUsage() {
        Result r = run("--root=/nonexistent", "export-metrics", "--bogus", "sb1");
        assertEquals(128, r.status());
        // The first three lines are byte for byte what runsc prints (real-export-metrics-cli-cases.txt);
        // our usage goes on with our own flag, --no-timestamps.
        assertTrue(r.err().startsWith("""
                flag provided but not defined: -bogus
                export-metrics [-exporter-prefix=<runsc_>] <container id> - prints sandbox metric data in Prometheus metric format
                  -exporter-prefix string
                    \tPrefix for all metric names, following Prometheus exporter convention (default "runsc_")
                """), r.err());
        assertEquals("", r.out());
    }

    @Test
    void helpGoesToStdoutWithStatusZero() {
        Result top = run("help");
        assertEquals(0, top.status());
        for (Command c : Cli.COMMANDS) {
            assertTrue(top.out().contains("\n  " + c.name() + " "), c.name());
        }
        Result one = run("help", "metric-server");
        assertEquals(0, one.status());
        assertTrue(one.out().contains("  -pid-file string\n"), one.out());
        Result dash = run("export-metrics", "-h");
        assertEquals(0, dash.status());
        assertTrue(dash.out().startsWith("export-metrics [-exporter-prefix=<runsc_>]"), dash.out());
        assertEquals(128, run("help", "nope").status());
    }

    @Test
    void rootDefaultsLikeRunsc() {
        Cli.GlobalFlags flags = new Cli.GlobalFlags();
        assertEquals("/var/run/runsc", flags.resolve(Map.of()).rootText());
        assertEquals("/run/user/1000/runsc", flags.resolve(Map.of("XDG_RUNTIME_DIR", "/run/user/1000")).rootText());
        assertEquals("/var/run/runsc", flags.resolve(Map.of("XDG_RUNTIME_DIR", "")).rootText());
    }

    @Test
    void debugLogThatCannotBeOpenedIsAClearFailure() {
        Result r = run("--debug-log=/nonexistent-dir/x.log", "help");
        assertEquals(128, r.status());
        assertEquals("cannot open debug log \"/nonexistent-dir/x.log\": /nonexistent-dir/x.log (No such file or directory)\n",
                r.err());
    }
}
