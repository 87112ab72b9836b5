// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import runsc.metrics.exposition.Data;
import runsc.metrics.exposition.Metric;
import runsc.metrics.exposition.MetricType;
import runsc.metrics.exposition.NumberValue;
import runsc.metrics.exposition.Snapshot;
import runsc.metrics.json.Json;
import runsc.metrics.json.JsonLimits;
import runsc.metrics.json.JsonValue;
import runsc.metrics.testing.ProjectFiles;

class ReplyDecoderTest {

    /** The first Export reply of section B of the captures, as the real sandbox sent it. */
    static String realExportReply() throws IOException {
        for (String line : Files.readAllLines(ProjectFiles.sample("real-urpc-captures.txt"), StandardCharsets.UTF_8)) {
            if (line.startsWith("<<< RECEIVED 1007 bytes")) {
                return line.substring(line.indexOf("b'") + 2, line.length() - 1);
            }
        }
        throw new AssertionError("capture not found");
    }

    private static Snapshot export(String reply) throws Exception {
        ReplyDecoder.Envelope e = ReplyDecoder.envelope(parse(reply));
        return ReplyDecoder.exportResult(e.result());
    }

    private static JsonValue parse(String s) throws IOException {
        return Json.parse(s.getBytes(StandardCharsets.UTF_8), JsonLimits.DEFAULT.withDuplicateKeys(JsonLimits.DuplicateKeys.KEEP_LAST));
    }

    private static String exportError(String snapshotJson) {
        return assertThrows(ReplyDecoder.BadReply.class,
                () -> export("{\"success\":true,\"err\":\"\",\"result\":{\"snapshot\":" + snapshotJson + "}}")).getMessage();
    }

    @Test
    void decodesTheRealReplyFromTheCaptures() throws Exception {
        Snapshot s = export(realExportReply());
        assertEquals(Instant.parse("2026-11-25T03:39:11.160400317Z"), s.when());
        assertEquals(ZoneOffset.UTC, s.zone());
        assertEquals(7, s.data().size());
        assertEquals(Data.ofNumber(new Metric("fs_opens", MetricType.COUNTER, "Number of file opens."), Map.of(),
                NumberValue.ofInt(10)), s.data().get(0));
        assertEquals(Data.ofNumber(new Metric("netstack_tcp_current_established", MetricType.GAUGE,
                "Number of connections in ESTABLISHED state now."), Map.of(), NumberValue.ZERO), s.data().get(1));
        assertEquals(Map.of("sysno", "334"), s.data().get(3).labels());
    }

    @Test
    void leavesDataEmptyWhenTheSandboxOmitsIt() throws Exception {
        Snapshot s = export("{\"success\":true,\"err\":\"\",\"result\":{\"snapshot\":{\"when\":\"2026-11-25T03:39:12.06372382Z\"}}}");
        assertEquals(List.of(), s.data());
    }

    @Test
    void missingWhenIsGosZeroTimeAndOffsetsAreKept() throws Exception {
        assertEquals(ReplyDecoder.GO_ZERO_TIME, export("{\"success\":true,\"result\":{\"snapshot\":{}}}").when());
        Snapshot s = export("{\"success\":true,\"result\":{\"snapshot\":{\"when\":\"2026-11-25T05:39:12.5+02:00\"}}}");
        assertEquals(Instant.parse("2026-11-25T03:39:12.5Z"), s.when());
        assertEquals(ZoneOffset.ofHours(2), s.zone());
    }

    @Test
    void matchesMemberNamesCaseInsensitivelyWithTheLastOneWinning() throws Exception {
        Snapshot s = export("{\"Success\":true,\"RESULT\":{\"Snapshot\":{\"DATA\":[{\"Metric\":{\"NAME\":\"a\",\"name\":\"b\","
                + "\"Type\":1,\"help\":\"h\"},\"Val\":{\"Int\":4}}]}}}");
        assertEquals(Data.ofNumber(new Metric("b", MetricType.GAUGE, "h"), Map.of(), NumberValue.ofInt(4)), s.data().get(0));
    }

    @Test
    void readsNumbersAsGoDoesWithTheOverflowingTokenAsInfinity() throws Exception {
        Snapshot s = export("{\"success\":true,\"result\":{\"snapshot\":{\"data\":["
                + "{\"metric\":{\"name\":\"a\",\"type\":1},\"val\":{\"float\":2.5}},"
                + "{\"metric\":{\"name\":\"a\",\"type\":1},\"val\":{\"int\":3,\"float\":0}},"
                + "{\"metric\":{\"name\":\"a\",\"type\":1},\"val\":{\"int\":-9223372036854775808}},"
                + "{\"metric\":{\"name\":\"h\",\"type\":3},\"histogram\":{\"ssd\":{\"float\":1.5},\"buckets\":["
                + "{\"le\":{}},{\"le\":{\"float\":1e+999},\"n\":18446744073709551615}]}}]}}}");
        assertEquals(NumberValue.ofFloat(2.5), s.data().get(0).number());
        assertEquals(NumberValue.ofInt(3), s.data().get(1).number());
        assertEquals(NumberValue.ofInt(Long.MIN_VALUE), s.data().get(2).number());
        var h = s.data().get(3).histogram();
        assertEquals(NumberValue.ZERO, h.total());
        assertEquals(NumberValue.ofFloat(1.5), h.ssd());
        assertEquals(NumberValue.ofFloat(Double.POSITIVE_INFINITY), h.buckets().get(1).upperBound());
        assertEquals(-1L, h.buckets().get(1).samples());
    }

    @Test
    void rejectsMissingAndNullParts() {
        assertEquals("result.snapshot is missing", assertThrows(ReplyDecoder.BadReply.class,
                () -> export("{\"success\":true,\"result\":{}}")).getMessage());
        assertEquals("result is a null, not an object", assertThrows(ReplyDecoder.BadReply.class,
                () -> export("{\"success\":true}")).getMessage());
        assertEquals("result.snapshot is null", exportError("null"));
        assertEquals("result.snapshot.data[0] is null", exportError("{\"data\":[null]}"));
        assertEquals("result.snapshot.data[0].metric is null", exportError("{\"data\":[{\"metric\":null,\"val\":{}}]}"));
        assertEquals("result.snapshot.data[0].metric is missing", exportError("{\"data\":[{\"val\":{}}]}"));
        assertEquals("result.snapshot.data[0].histogram.buckets[0] is null", exportError(
                "{\"data\":[{\"metric\":{\"name\":\"h\"},\"histogram\":{\"buckets\":[null]}}]}"));
    }

    @Test
    void rejectsWrongTypes() {
        assertEquals("reply is an array, not an object", assertThrows(ReplyDecoder.BadReply.class,
                () -> ReplyDecoder.envelope(parse("[]"))).getMessage());
        assertEquals("reply.success is a string, not a boolean", assertThrows(ReplyDecoder.BadReply.class,
                () -> ReplyDecoder.envelope(parse("{\"success\":\"true\"}"))).getMessage());
        assertEquals("reply.err is a number, not a string", assertThrows(ReplyDecoder.BadReply.class,
                () -> ReplyDecoder.envelope(parse("{\"success\":false,\"err\":1}"))).getMessage());
        assertEquals("result.snapshot.data is an object, not an array", exportError("{\"data\":{}}"));
        assertEquals("result.snapshot.when is a number, not a string", exportError("{\"when\":5}"));
        assertEquals("result.snapshot.when: 'yesterday' is not an RFC 3339 time", exportError("{\"when\":\"yesterday\"}"));
        assertEquals("result.snapshot.data[0].val.int: 5.0 is not an int64",
                exportError("{\"data\":[{\"metric\":{\"name\":\"a\"},\"val\":{\"int\":5.0}}]}"));
        assertEquals("result.snapshot.data[0].val.int: 9223372036854775808 is not an int64",
                exportError("{\"data\":[{\"metric\":{\"name\":\"a\"},\"val\":{\"int\":9223372036854775808}}]}"));
        assertEquals("result.snapshot.data[0].val.float is a string, not a number",
                exportError("{\"data\":[{\"metric\":{\"name\":\"a\"},\"val\":{\"float\":\"+Inf\"}}]}"));
        assertEquals("result.snapshot.data[0].metric.type is a string, not an integer",
                exportError("{\"data\":[{\"metric\":{\"name\":\"a\",\"type\":\"1\"},\"val\":{}}]}"));
        assertEquals("result.snapshot.data[0].metric.type: 4294967296 is outside the int range",
                exportError("{\"data\":[{\"metric\":{\"name\":\"a\",\"type\":4294967296},\"val\":{}}]}"));
        assertEquals("result.snapshot.data[0].labels.k is a number, not a string",
                exportError("{\"data\":[{\"metric\":{\"name\":\"a\"},\"labels\":{\"k\":1},\"val\":{}}]}"));
        assertEquals("result.snapshot.data[0].histogram.buckets[0].n: -1 is not a uint64",
                exportError("{\"data\":[{\"metric\":{\"name\":\"h\"},\"histogram\":{\"buckets\":[{\"n\":-1}]}}]}"));
    }

    @Test
    void requiresExactlyOneValueAndNoExternalLabels() {
        assertEquals("result.snapshot.data[0]: invalid number of value fields specified: 0 (exactly one of val and "
                + "histogram is required, metric a)", exportError("{\"data\":[{\"metric\":{\"name\":\"a\"},\"val\":null}]}"));
        assertEquals("result.snapshot.data[0]: invalid number of value fields specified: 2 (exactly one of val and "
                + "histogram is required, metric a)", exportError("{\"data\":[{\"metric\":{\"name\":\"a\"},\"val\":{},\"histogram\":{}}]}"));
        assertEquals("result.snapshot.data[0].external_labels: a sandbox may not send external labels (metric a)",
                exportError("{\"data\":[{\"metric\":{\"name\":\"a\"},\"external_labels\":{\"sandbox\":\"x\"},\"val\":{}}]}"));
    }

    @Test
    void namesTheFullPathOfAnErrorDeepInTheSecondPoint() {
        String ok = "{\"metric\":{\"name\":\"a\"},\"val\":{}},";
        assertEquals("result.snapshot.data[1].histogram.buckets[1].le.float is a boolean, not a number",
                exportError("{\"data\":[" + ok + "{\"metric\":{\"name\":\"h\"},\"histogram\":{\"buckets\":"
                        + "[{\"n\":1},{\"le\":{\"float\":true}}]}}]}"));
        assertEquals("result.snapshot.data[1].histogram.ssd is a string, not an object",
                exportError("{\"data\":[" + ok + "{\"metric\":{\"name\":\"h\"},\"histogram\":{\"ssd\":\"x\"}}]}"));
        assertEquals("result.snapshot.data[1].labels is an array, not an object",
                exportError("{\"data\":[" + ok + "{\"metric\":{\"name\":\"a\"},\"labels\":[],\"val\":{}}]}"));
    }

    @Test
    void aNullLabelValueIsTheEmptyStringAsInGo() throws Exception {
        Snapshot s = export("{\"success\":true,\"result\":{\"snapshot\":{\"data\":[{\"metric\":{\"name\":\"a\"},"
                + "\"labels\":{\"k\":null},\"val\":{\"int\":1}}]}}}");
        assertEquals(java.util.Map.of("k", ""), s.data().getFirst().labels());
    }

    @Test
    void decodesSavings() throws Exception {
        assertEquals(new Savings.Known(0, 9), ReplyDecoder.savingsResult(parse("{\"wallTimeSaved\":9}")));
    }

    @Test
    void filterCheckNamesTheFirstMetricOutsideTheFilter() throws Exception {
        Snapshot s = export(realExportReply());
        FilterCheck.requireMatches("sb1", "", name -> false, s);
        ControlException e = assertThrows(ControlException.class,
                () -> FilterCheck.requireMatches("sb1", "^fs_", name -> name.startsWith("fs_"), s));
        assertEquals(ControlException.Kind.PROTOCOL, e.kind());
        assertEquals("sandbox sb1: metric \"netstack_tcp_current_established\" violated the filter set in export options"
                + " (filter \"^fs_\")", e.getMessage());
    }
}
