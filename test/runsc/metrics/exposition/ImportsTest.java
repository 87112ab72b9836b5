// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import runsc.metrics.testing.ProjectFiles;

/** The package depends on java.base and the project's json and gotext packages only. */
class ImportsTest {
    @Test
    void importsOnlyJavaBaseAndTheJsonAndGotextPackages() throws IOException {
        List<String> bad = new ArrayList<>();
        try (Stream<Path> files = Files.list(ProjectFiles.resolve("src/runsc/metrics/exposition"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                for (String line : Files.readAllLines(file)) {
                    if (line.startsWith("import ") && !line.matches("import (static )?(java\\.(lang|io|math|nio|time|util)\\b|runsc\\.metrics\\.(json|gotext)\\.).*")) {
                        bad.add(file.getFileName() + ": " + line);
                    }
                    if (line.matches(".*\\b(com\\.sun|sun\\.|jdk\\.|runsc\\.metrics\\.(cli|server|runtime|control|sim))\\b.*")
                            && !line.startsWith(" *") && !line.startsWith("//")) {
                        bad.add(file.getFileName() + ": " + line);
                    }
                }
            }
        }
        assertEquals(List.of(), bad);
    }
}
