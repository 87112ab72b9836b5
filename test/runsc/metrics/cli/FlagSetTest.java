// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FlagSetTest {
    private final FlagSet flags = new FlagSet("t");
    private final FlagSet.Flag<String> prefix = flags.string("exporter-prefix", "runsc_", "Prefix");
    private final FlagSet.Flag<Boolean> debug = flags.bool("debug", "debug");
    private final FlagSet.Flag<Integer> count = flags.integer("n", 8, "count");
    private final FlagSet.Flag<List<String>> faults = flags.list("fault", "fault");

    @Test
    void acceptsOneOrTwoDashesAndBothValueForms() throws Exception {
        assertEquals(List.of("id"), flags.parse(List.of("-exporter-prefix=a_", "--n", "3", "id")));
        assertEquals("a_", prefix.get());
        assertEquals(3, count.get());
        flags.parse(List.of("--exporter-prefix", "b_", "-n=4"));
        assertEquals("b_", prefix.get());
        assertEquals(4, count.get());
    }

    @Test
    void emptyValueAfterEqualsIsAValue() throws Exception {
        flags.parse(List.of("--exporter-prefix="));
        assertEquals("", prefix.get());
        assertTrue(prefix.isSet());
    }

    @Test
    void booleansTakeNoSeparateArgument() throws Exception {
        assertEquals(List.of("false"), flags.parse(List.of("--debug", "false")));
        assertTrue(debug.get());
        flags.parse(List.of("-debug=F"));
        assertFalse(debug.get());
        flags.parse(List.of("-debug=1"));
        assertTrue(debug.get());
    }

    @Test
    void stopsAtFirstNonFlagAndAfterDoubleDash() throws Exception {
        assertEquals(List.of("id", "-n=5"), flags.parse(List.of("id", "-n=5")));
        assertEquals(8, count.get());
        assertEquals(List.of("-n=5"), flags.parse(List.of("--", "-n=5")));
        assertEquals(List.of("-"), flags.parse(List.of("-")));
    }

    @Test
    void repeatedListFlagCollectsAllValues() throws Exception {
        flags.parse(List.of("--fault=a:stall", "--fault", "b:close"));
        assertEquals(List.of("a:stall", "b:close"), faults.get());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            --bogus x        | flag provided but not defined: -bogus
            -exporter-prefix | flag needs an argument: -exporter-prefix
            -n=x             | invalid value "x" for flag -n: parse error
            -n 99999999999   | invalid value "99999999999" for flag -n: value out of range
            -debug=yes       | invalid boolean value "yes" for -debug: parse error
            ---n             | bad flag syntax: ---n
            -=x              | bad flag syntax: -=x
            """)
    void reportsErrorsInGoWords(String args, String message) {
        List<String> argv = List.of(args.split(" "));
        assertEquals(message, assertThrows(UsageException.class, () -> flags.parse(argv)).getMessage());
    }

    @Test
    void integersTakeGoPrefixes() throws Exception {
        flags.parse(List.of("-n=0x10"));
        assertEquals(16, count.get());
        flags.parse(List.of("-n=-3"));
        assertEquals(-3, count.get());
    }

    @Test
    void helpIsItsOwnOutcome() {
        assertThrows(HelpRequested.class, () -> flags.parse(List.of("-h")));
        assertThrows(HelpRequested.class, () -> flags.parse(List.of("--help")));
    }

    @Test
    void printsDefaultsLikeGo() {
        FlagSet real = new FlagSet("export-metrics");
        real.string("exporter-prefix", "runsc_", "Prefix for all metric names, following Prometheus exporter convention");
        real.string("sandbox-metrics-filter", "", "If set, filter exported metrics using the specified regular expression. "
                + "This filtering is applied before adding --exporter-prefix.");
        StringBuilder sb = new StringBuilder();
        real.printDefaults(sb);
        // Bytes as real runsc prints them (test/resources/samples/real-export-metrics-cli-cases.txt).
        assertEquals("""
                  -exporter-prefix string
                    \tPrefix for all metric names, following Prometheus exporter convention (default "runsc_")
                  -sandbox-metrics-filter string
                    \tIf set, filter exported metrics using the specified regular expression. \
                This filtering is applied before adding --exporter-prefix.
                """, sb.toString());
    }
}
