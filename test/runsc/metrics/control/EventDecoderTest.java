// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import runsc.metrics.json.Json;
import runsc.metrics.json.JsonLimits;
import runsc.metrics.json.JsonValue;
import runsc.metrics.testing.EventCaptures;

class EventDecoderTest {

    private static ContainerStats decode(String reply, String containerId) throws Exception {
        return EventDecoder.eventResult(ReplyDecoder.envelope(parse(reply)).result(), containerId);
    }

    private static JsonValue parse(String s) throws IOException {
        return Json.parse(s.getBytes(StandardCharsets.UTF_8),
                JsonLimits.DEFAULT.withDuplicateKeys(JsonLimits.DuplicateKeys.KEEP_LAST));
    }

    /** The error for a reply whose {@code event.data} is {@code dataJson} (for container "c1"). */
    private static String dataError(String dataJson) {
        return error("{\"event\":{\"type\":\"stats\",\"id\":\"c1\",\"data\":" + dataJson + "}}");
    }

    private static String error(String resultJson) {
        return assertThrows(ReplyDecoder.BadReply.class,
                () -> decode("{\"success\":true,\"err\":\"\",\"result\":" + resultJson + "}", "c1")).getMessage();
    }

    private static final ContainerStats.Interface IDLE_LO = new ContainerStats.Interface("lo", 0, 0, 0, 0, 0, 0, 0, 0);

    @Test
    void decodesTheRealSingleContainerReply() throws Exception {
        EventCaptures.Capture c = EventCaptures.named("single");
        ContainerStats s = decode(c.reply(), c.containerId());
        assertEquals(new ContainerStats("ev1", OptionalLong.empty(), Map.of("ev1", 20_000_000L),
                new ContainerStats.Memory(2_244_608, 0, 0, 0, 0), new ContainerStats.Pids(1, 0), List.of(IDLE_LO)), s);
        assertEquals(20_000_000L, s.sandboxCpuNanos());
    }

    @Test
    void decodesBothContainersOfTheRealPod() throws Exception {
        EventCaptures.Capture root = EventCaptures.named("multi-root");
        EventCaptures.Capture app = EventCaptures.named("multi-app");
        ContainerStats pod = decode(root.reply(), "evpod");
        ContainerStats second = decode(app.reply(), "evapp");
        Map<String, Long> usage = Map.of("evapp", 450_000_000L, "evpod", 20_000_000L);
        assertEquals(usage, pod.cpuByContainerNanos());
        assertEquals(usage, second.cpuByContainerNanos());
        assertEquals(List.of("evapp", "evpod"), List.copyOf(pod.cpuByContainerNanos().keySet()));
        // gVisor gives the pause container no memory and the other containers the sandbox's usage.
        assertEquals(0, pod.memory().usageBytes());
        assertEquals(4_476_928, second.memory().usageBytes());
        assertEquals(20_000_000L, pod.sandboxCpuNanos());
        assertEquals(450_000_000L, second.sandboxCpuNanos());
    }

    @Test
    void decodesGrowingLoopbackCountersOfTheNetworkedSandbox() throws Exception {
        ContainerStats first = decode(EventCaptures.named("net-1").reply(), "evnet");
        ContainerStats second = decode(EventCaptures.named("net-2").reply(), "evnet");
        assertEquals(new ContainerStats.Interface("lo", 40_836, 139, 0, 0, 42_782, 139, 0, 0), first.network().getFirst());
        assertEquals(new ContainerStats.Interface("lo", 70_736, 239, 0, 0, 74_082, 239, 0, 0), second.network().getFirst());
        assertEquals(13_303_808, second.memory().usageBytes());
    }

    @Test
    void everyCaptureDecodesWithTheCountsRunscPrinted() throws Exception {
        for (EventCaptures.Capture c : EventCaptures.all()) {
            ContainerStats s = decode(c.reply(), c.containerId());
            String stdout = c.stdout();
            assertTrue(stdout.contains("\"pids\":{\"current\":" + s.pids().current() + "}"), c.name());
            assertTrue(s.memory().usageBytes() == 0 ? stdout.contains("\"usage\":{\"limit\":0,\"failcnt\":0}")
                    : stdout.contains("\"usage\":" + s.memory().usageBytes() + ","), c.name());
            ContainerStats.Interface lo = s.network().getFirst();
            assertTrue(stdout.contains("{\"Name\":\"lo\",\"RxBytes\":" + lo.rxBytes() + ",\"RxPackets\":" + lo.rxPackets()
                    + ",\"RxErrors\":0,\"RxDropped\":0,\"TxBytes\":" + lo.txBytes() + ",\"TxPackets\":" + lo.txPackets()
                    + ",\"TxErrors\":0,\"TxDropped\":0}"), c.name());
        }
    }

    @Test
    void cpuIsScaledByTheHostCgroupAsRunscEventsDoes() throws Exception {
        ContainerStats pod = decode(EventCaptures.named("multi-root").reply(), "evpod");
        // runsc printed 44687364 ns for evpod: 20 ms of the sandbox's 470 ms, scaled to the host
        // cgroup's usage at that moment, which was therefore 44687364 * 470 / 20 ns.
        long host = 44_687_364L * 470 / 20;
        assertEquals(44_687_364L, pod.cpuNanos(OptionalLong.of(host)), 1);
        assertEquals(20_000_000L, pod.cpuNanos(OptionalLong.empty()));
        assertEquals(20_000_000L, pod.cpuNanos(OptionalLong.of(0)));
    }

    @Test
    void cpuSplitsTheHostUsageEquallyWhenTheSandboxCountedNothing() {
        ContainerStats s = new ContainerStats("a", OptionalLong.empty(), Map.of("a", 0L, "b", 0L),
                new ContainerStats.Memory(0, 0, 0, 0, 0), new ContainerStats.Pids(0, 0), List.of());
        assertEquals(500, s.cpuNanos(OptionalLong.of(1000)));
        assertEquals(0, s.cpuNanos(OptionalLong.empty()));
    }

    @Test
    void cpuTotalIsUsedWhenTheSandboxSendsNoPerContainerUsage() throws Exception {
        ContainerStats s = decode("{\"success\":true,\"err\":\"\",\"result\":{\"event\":{\"type\":\"stats\",\"id\":\"c1\","
                + "\"data\":{\"cpu\":{\"usage\":{\"total\":123456789}}}},\"containerUsage\":null}}", "c1");
        assertEquals(OptionalLong.of(123_456_789L), s.cpuTotalNanos());
        assertEquals(123_456_789L, s.cpuNanos(OptionalLong.of(999_999_999L)));
        assertEquals(List.of(), s.network());
    }

    @Test
    void membersMatchCaseInsensitivelyAndUnknownOnesAreIgnored() throws Exception {
        ContainerStats s = decode("{\"SUCCESS\":true,\"Result\":{\"Event\":{\"ID\":\"c1\",\"Data\":{\"PIDS\":{\"Current\":3,"
                + "\"new\":1},\"Memory\":{\"Usage\":{\"USAGE\":5,\"Limit\":6,\"Max\":7,\"FailCnt\":8},\"Cache\":9},"
                + "\"Network_Interfaces\":[{\"name\":\"eth0\",\"rxbytes\":1,\"TXBYTES\":2,\"Extra\":\"x\"}]}}}}", "c1");
        assertEquals(new ContainerStats.Pids(3, 0), s.pids());
        assertEquals(new ContainerStats.Memory(5, 6, 7, 8, 9), s.memory());
        assertEquals(new ContainerStats.Interface("eth0", 1, 0, 0, 0, 2, 0, 0, 0), s.network().getFirst());
    }

    @Test
    void statsForAnotherContainerAreRefused() {
        assertEquals("result.event.id: the stats are for container \"c2\", not for \"c1\" as asked",
                error("{\"event\":{\"type\":\"stats\",\"id\":\"c2\",\"data\":{}}}"));
        assertEquals("result.event.id: the stats are for container \"\", not for \"c1\" as asked",
                error("{\"event\":{\"type\":\"stats\",\"data\":{}}}"));
    }

    @Test
    void missingOrMisshapenPartsAreErrorsNamingTheirPath() {
        assertEquals("result is a null, not an object", error("null"));
        assertEquals("result.event is missing", error("{}"));
        assertEquals("result.event is null", error("{\"event\":null}"));
        assertEquals("result.event is an array, not an object", error("{\"event\":[]}"));
        assertEquals("result.event.id is a number, not a string", error("{\"event\":{\"id\":7}}"));
        assertEquals("result.event.data.memory.usage is a string, not an object",
                dataError("{\"memory\":{\"usage\":\"x\"}}"));
        assertEquals("result.event.data.network_interfaces is an object, not an array",
                dataError("{\"network_interfaces\":{}}"));
        assertEquals("result.event.data.network_interfaces[1] is null",
                dataError("{\"network_interfaces\":[{\"Name\":\"lo\"},null]}"));
        assertEquals("result.event.data.network_interfaces[0].Name is empty", dataError("{\"network_interfaces\":[{}]}"));
        assertEquals("result.event.data.network_interfaces[1].Name: interface \"lo\" is also "
                        + "result.event.data.network_interfaces[0]",
                dataError("{\"network_interfaces\":[{\"Name\":\"lo\"},{\"Name\":\"lo\"}]}"));
        assertEquals("result.containerUsage is an array, not an object",
                error("{\"event\":{\"id\":\"c1\"},\"containerUsage\":[]}"));
    }

    @Test
    void countsMustBeNonNegativeInt64Integers() {
        assertEquals("result.event.data.pids.current: -1 is not a count (an integer from 0 to 9223372036854775807)",
                dataError("{\"pids\":{\"current\":-1}}"));
        assertEquals("result.event.data.memory.usage.usage: 1.5 is not a count (an integer from 0 to 9223372036854775807)",
                dataError("{\"memory\":{\"usage\":{\"usage\":1.5}}}"));
        assertEquals("result.event.data.cpu.usage.total: 18446744073709551615 is larger than 9223372036854775807",
                dataError("{\"cpu\":{\"usage\":{\"total\":18446744073709551615}}}"));
        assertEquals("result.event.data.network_interfaces[0].RxBytes is a string, not an integer",
                dataError("{\"network_interfaces\":[{\"Name\":\"lo\",\"RxBytes\":\"1\"}]}"));
        assertEquals("result.containerUsage.c1: -5 is not a count (an integer from 0 to 9223372036854775807)",
                error("{\"event\":{\"id\":\"c1\"},\"containerUsage\":{\"c1\":-5}}"));
    }

    @Test
    void recordsRefuseNegativeCountsAndDuplicateInterfaces() {
        assertThrows(IllegalArgumentException.class, () -> new ContainerStats.Pids(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> new ContainerStats.Interface("", 0, 0, 0, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ContainerStats("c", OptionalLong.empty(), Map.of(),
                new ContainerStats.Memory(0, 0, 0, 0, 0), new ContainerStats.Pids(0, 0), List.of(IDLE_LO, IDLE_LO)));
    }
}
