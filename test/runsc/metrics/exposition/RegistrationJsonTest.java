// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import runsc.metrics.json.Json;

class RegistrationJsonTest {
    static MetricRegistration parse(String json) throws IOException {
        return MetricRegistration.fromJson(Json.parse(json));
    }

    static String fails(String json) {
        return assertThrows(InvalidRegistrationException.class, () -> parse(json)).getMessage();
    }

    @Test
    void readsTheRealRegistration() throws IOException {
        MetricRegistration r = RealExportTest.registration();
        assertEquals(174, r.metrics().size());
        assertEquals(List.of("restore_config", "exec_config", "restore", "create_process", "task_start"), r.stages());
        RegisteredMetric syscalls = r.metrics().stream()
                .filter(m -> m.prometheusName().equals("unimplemented_syscalls")).findFirst().orElseThrow();
        assertEquals("/unimplemented_syscalls", syscalls.name());
        assertEquals(true, syscalls.cumulative());
        assertEquals(ValueType.UINT64, syscalls.type().orElseThrow());
        assertEquals("sysno", syscalls.fields().getFirst().name());
        assertEquals(2002, syscalls.fields().getFirst().allowedValues().size());
        assertEquals("-1", syscalls.fields().getFirst().allowedValues().getLast());
        assertEquals(172, r.metrics().stream().filter(RegisteredMetric::cumulative).count());
    }

    @Test
    void fillsAbsentMembersWithZeroValues() throws IOException {
        assertEquals(new MetricRegistration(List.of(), List.of()), parse("{}"));
        assertEquals(new MetricRegistration(List.of(new RegisteredMetric("", "", "", false, 0, List.of(), List.of())), List.of()),
                parse("{\"metrics\":[{}]}"));
    }

    @Test
    void readsEveryMember() throws IOException {
        MetricRegistration r = parse("""
                {"metrics":[{"name":"/d","prometheus_name":"d","description":"D","cumulative":false,"sync":true,
                  "type":1,"units":1,"fields":[{"field_name":"f","allowed_values":["a","b"]}],
                  "distribution_bucket_lower_bounds":[0,8,-3,9223372036854775807]}],"stages":["s"]}""");
        assertEquals(new MetricRegistration(List.of(new RegisteredMetric("/d", "d", "D", false, ValueType.DISTRIBUTION,
                List.of(new MetricField("f", List.of("a", "b"))), List.of(0L, 8L, -3L, Long.MAX_VALUE))), List.of("s")), r);
    }

    @Test
    void ignoresUnknownKeysAndNulls() throws IOException {
        assertEquals(new MetricRegistration(List.of(new RegisteredMetric("/a", "", "", false, 0, List.of(), List.of()),
                new RegisteredMetric("", "", "", false, 0, List.of(), List.of())), List.of()),
                parse("{\"metrics\":[{\"name\":\"/a\",\"bogus\":{\"x\":[1]},\"type\":null,\"fields\":null},null],"
                        + "\"stages\":null,\"other\":1}"));
    }

    @Test
    void matchesKeysIgnoringCaseAndLetsTheLastDuplicateWin() throws IOException {
        MetricRegistration r = parse("{\"METRICS\":[{\"Prometheus_Name\":\"a\",\"name\":\"/x\",\"NAME\":\"/y\","
                + "\"Fields\":[{\"FIELD_NAME\":\"f\",\"Allowed_Values\":[\"v\"]}]}]}");
        assertEquals(new RegisteredMetric("/y", "a", "", false, 0, List.of(new MetricField("f", List.of("v"))), List.of()),
                r.metrics().getFirst());
    }

    @Test
    void keepsUnknownTypeCodesForTheVerifier() throws IOException {
        assertEquals(1337, parse("{\"metrics\":[{\"type\":1337}]}").metrics().getFirst().typeCode());
    }

    @Test
    void rejectsMembersOfTheWrongType() {
        assertEquals("registeredMetrics: expected an object but was null", fails("null"));
        assertEquals("registeredMetrics.metrics: expected an array but was object", fails("{\"metrics\":{}}"));
        assertEquals("registeredMetrics.metrics[0]: expected an object but was number", fails("{\"metrics\":[1]}"));
        assertEquals("registeredMetrics.metrics[0].type: expected an int32 but was string", fails("{\"metrics\":[{\"type\":\"1\"}]}"));
        assertEquals("registeredMetrics.metrics[0].cumulative: expected a boolean but was string",
                fails("{\"metrics\":[{\"cumulative\":\"true\"}]}"));
        assertEquals("registeredMetrics.metrics[0].name: expected a string but was boolean", fails("{\"metrics\":[{\"name\":true}]}"));
        assertEquals("registeredMetrics.stages[1]: expected a string but was number", fails("{\"stages\":[\"a\",2]}"));
        assertEquals("registeredMetrics.metrics[0].fields[0].allowed_values: expected an array but was string",
                fails("{\"metrics\":[{\"fields\":[{\"allowed_values\":\"a\"}]}]}"));
    }

    @Test
    void rejectsIntegersThatGoCannotDecode() {
        assertEquals("registeredMetrics.metrics[0].type: expected an int32 but was 1.0", fails("{\"metrics\":[{\"type\":1.0}]}"));
        assertEquals("registeredMetrics.metrics[0].type: expected an int32 but was 2147483648",
                fails("{\"metrics\":[{\"type\":2147483648}]}"));
        assertEquals("registeredMetrics.metrics[0].units: expected an int32 but was 1e0", fails("{\"metrics\":[{\"units\":1e0}]}"));
        assertEquals("registeredMetrics.metrics[0].distribution_bucket_lower_bounds[1]: expected an int64 but was 9223372036854775808",
                fails("{\"metrics\":[{\"distribution_bucket_lower_bounds\":[1,9223372036854775808]}]}"));
    }
}
