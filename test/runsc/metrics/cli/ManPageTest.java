// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import runsc.metrics.testing.ProjectFiles;

/** The man page documents what the usage text defines, and renders cleanly. */
class ManPageTest {
    static final Path MAN = ProjectFiles.resolve("man/runsc-metrics.1");

    /** How a flag name appears in roff source: every '-' written as '\-'. */
    static String roff(String flag) {
        return "\\-\\-" + flag.replace("-", "\\-");
    }

    @Test
    void everyFlagOfEveryCommandIsInTheManPage() throws IOException {
        String page = Files.readString(MAN, StandardCharsets.UTF_8);
        List<String> missing = new ArrayList<>();
        for (String flag : new Cli.GlobalFlags().flags.names()) {
            if (!page.contains(roff(flag))) {
                missing.add("global --" + flag);
            }
        }
        for (Command command : Cli.COMMANDS) {
            if (!page.contains(".SS " + command.name().replace("-", "\\-"))) {
                missing.add("section for " + command.name());
            }
            FlagSet flags = new FlagSet(command.name());
            command.define(flags);
            for (String flag : flags.names()) {
                if (!page.contains(roff(flag))) {
                    missing.add(command.name() + " --" + flag);
                }
            }
        }
        assertEquals(List.of(), missing, "documented in the usage text but not in " + MAN);
    }

    @Test
    void rendersWithoutWarnings() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/groff")), "groff is not installed (Debian package groff-base)");
        Process p = new ProcessBuilder("groff", "-man", "-Tutf8", "-ww", "-z", MAN.toString())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "groff did not finish in 30 s");
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals("", output, "groff warnings");
        assertEquals(0, p.exitValue());
    }
}
