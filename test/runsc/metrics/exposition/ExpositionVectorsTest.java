// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every case of exposition-vectors.jsonl, byte for byte. */
class ExpositionVectorsTest {
    /** Cases where upstream writes a line cut off mid-way; this project rejects the data instead. */
    static final Set<String> REJECTED = Set.of("integer with fields conflicting with export options",
            "distribution with 'le' label");

    @TestFactory
    Stream<DynamicTest> writesEveryVectorByteForByte() throws IOException {
        List<Vectors.Vector> vectors = Vectors.all();
        assertEquals(18, vectors.size());
        return vectors.stream().filter(v -> !REJECTED.contains(v.name())).map(v -> DynamicTest.dynamicTest(v.name(), () -> {
            var out = new ByteArrayOutputStream();
            long n = new ExpositionWriter().write(out, v.options(), v.snapshots());
            assertEquals(v.output(), out.toString(StandardCharsets.UTF_8));
            assertEquals(v.bytesWritten(), n);
            assertEquals(n, out.size());
        }));
    }

    @TestFactory
    Stream<DynamicTest> rejectsTheVectorsUpstreamWritesTruncated() throws IOException {
        List<Vectors.Vector> rejected = Vectors.all().stream().filter(v -> REJECTED.contains(v.name())).toList();
        assertEquals(2, rejected.size());
        return rejected.stream().map(v -> DynamicTest.dynamicTest(v.name(), () -> {
            var out = new ByteArrayOutputStream();
            var e = assertThrows(InvalidSnapshotException.class,
                    () -> new ExpositionWriter().write(out, v.options(), v.snapshots()));
            assertEquals(0, out.size());
            LabeledSnapshot s = v.snapshots().getFirst();
            var check = assertThrows(InvalidSnapshotException.class,
                    () -> ExpositionWriter.check(s.snapshot(), s.options()));
            assertEquals("snapshot 0: " + check.getMessage(), e.getMessage());
        }));
    }

    @Test
    void namesTheRuleForTheTwoRejectedVectors() throws IOException {
        for (Vectors.Vector v : Vectors.all()) {
            if (!REJECTED.contains(v.name())) {
                continue;
            }
            LabeledSnapshot s = v.snapshots().getFirst();
            var e = assertThrows(InvalidSnapshotException.class, () -> ExpositionWriter.check(s.snapshot(), s.options()));
            assertTrue(Set.of(
                    "data point 0 (metric \"foo_int\"): label \"field2\" is given twice, by the data labels and the extra labels",
                    "data point 0 (metric \"foo_dist\"): label \"le\" in the data labels (it is reserved for histogram buckets)")
                    .contains(e.getMessage()), e.getMessage());
        }
    }
}
