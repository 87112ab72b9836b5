// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class AotTrainingTest {
    @Test
    void splitsCommandLinesAtEachDoubleDash() {
        assertEquals(List.of(List.of("--version"), List.of("help"), List.of("--root=r", "export-metrics", "sim-1"),
                        List.of("demo", "--metric-server=s")),
                AotTraining.split("--version", "--", "help", "--", "--root=r", "export-metrics", "sim-1", "--", "demo",
                        "--metric-server=s"));
    }

    @Test
    void oneLineWithoutSeparatorAndEmptyLinesAreKept() {
        assertEquals(List.of(List.of("help")), AotTraining.split("help"));
        assertEquals(List.of(List.of(), List.of("help"), List.of()), AotTraining.split("--", "help", "--"));
        assertEquals(List.of(List.of()), AotTraining.split());
    }
}
