// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Lintian finds no error in the package (the warnings kept are overridden in debian/, with reasons). */
class LintianTest {
    // Longer than the suite's 120 s default: lintian unpacks and reads every file of the 26 MB package.
    @Test
    @Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
    void reportsNoErrorOrWarning() throws Exception {
        Path lintian = Command.assume("lintian", "lintian");
        Path deb = Artifacts.deb();
        Command c = Command.run(List.of(lintian.toString(), "--fail-on", "error,warning", deb.toString()), Map.of(),
                Duration.ofMinutes(10));
        List<String> findings = c.out().lines().filter(l -> l.startsWith("E: ") || l.startsWith("W: ")).toList();
        assertEquals(List.of(), findings, c.describe());
        assertEquals(0, c.exitCode(), c.describe());
    }
}
