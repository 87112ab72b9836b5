// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import runsc.metrics.testing.ProjectFiles;

class JsonNumberTest {

    /** What Go's encoding/json writes for each double (checked against Go 1.19's json.Marshal). */
    static Stream<Arguments> goFloatFormatting() {
        return Stream.of(
                Arguments.of(0.0, "0"),
                Arguments.of(-0.0, "-0"),
                Arguments.of(1.0, "1"),
                Arguments.of(-1.0, "-1"),
                Arguments.of(0.1, "0.1"),
                Arguments.of(-1.5, "-1.5"),
                Arguments.of(100.0, "100"),
                Arguments.of(123.456, "123.456"),
                Arguments.of(1e6, "1000000"),
                Arguments.of(1e20, "100000000000000000000"),
                Arguments.of(999999999999999900000.0, "999999999999999900000"), // largest plain one below 1e21
                Arguments.of(1e21, "1e+21"),
                Arguments.of(-1e21, "-1e+21"),
                Arguments.of(1.5e300, "1.5e+300"),
                Arguments.of(1e100, "1e+100"),
                Arguments.of(1e23, "1e+23"),
                Arguments.of(1.0000000000000001e23, "1.0000000000000001e+23"),
                Arguments.of(1e-6, "0.000001"),
                Arguments.of(-1e-6, "-0.000001"),
                Arguments.of(12345e-10, "0.0000012345"),
                Arguments.of(9.999999999999997e-7, "9.999999999999997e-7"), // just below 1e-6: exponent form
                Arguments.of(1e-7, "1e-7"),
                Arguments.of(1.25e-8, "1.25e-8"),
                Arguments.of(1e-10, "1e-10"),
                Arguments.of(Double.MAX_VALUE, "1.7976931348623157e+308"),
                Arguments.of(Double.MIN_NORMAL, "2.2250738585072014e-308"),
                // Subnormals where Double.toString gives two digits (4.9E-324) but Go the shortest one.
                Arguments.of(Double.MIN_VALUE, "5e-324"),
                Arguments.of(-Double.MIN_VALUE, "-5e-324"),
                Arguments.of(10 * Double.MIN_VALUE, "5e-323"),
                Arguments.of(5 * Double.MIN_VALUE, "2.5e-323"),
                Arguments.of(0.3, "0.3"),
                Arguments.of(0.1 + 0.2, "0.30000000000000004"),
                Arguments.of(2.0 / 3, "0.6666666666666666"),
                Arguments.of(100.0 / 3, "33.333333333333336"),
                Arguments.of(Math.PI, "3.141592653589793"),
                Arguments.of(4.35, "4.35"),
                Arguments.of(9007199254740993.0, "9007199254740992"),
                Arguments.of(1e15, "1000000000000000"),
                Arguments.of(1.7e16, "17000000000000000"),
                Arguments.of(1.2345678901234568e20, "123456789012345680000"));
    }

    @ParameterizedTest
    @MethodSource("goFloatFormatting")
    void formatsDoublesLikeGo(double value, String go) {
        assertEquals(go, JsonNumber.of(value).token());
    }

    @Test
    void formatsEveryDoubleOfTheGoSampleLikeGo() throws IOException {
        List<String> differences = new ArrayList<>();
        int count = 0;
        for (String line : Files.readAllLines(ProjectFiles.resolve("test/resources/json/go-float64-marshal.txt"), StandardCharsets.UTF_8)) {
            if (line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split(" ");
            double value = Double.longBitsToDouble(Long.parseUnsignedLong(fields[0], 16));
            String ours = JsonNumber.of(value).token();
            if (!ours.equals(fields[1])) {
                differences.add(fields[0] + ": Go " + fields[1] + ", ours " + ours);
            }
            count++;
        }
        assertTrue(count > 2000, "read " + count + " samples");
        assertEquals(List.of(), differences);
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void rejectsNonFiniteDoubles(double value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonNumber.of(value));
        assertEquals("numeric values must be finite, but was " + value, e.getMessage());
    }

    @Test
    void formatsLongsExactly() {
        assertEquals("9223372036854775807", JsonNumber.of(Long.MAX_VALUE).token());
        assertEquals("-9223372036854775808", JsonNumber.of(Long.MIN_VALUE).token());
        assertEquals("0", JsonNumber.of(0L).token());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-0", "1", "-1", "10", "0.5", "-0.0", "1e5", "1E+5", "1e-05", "123.456e789", "-9223372036854775809"})
    void acceptsEveryTokenOfTheGrammar(String token) {
        assertEquals(token, new JsonNumber(token).token());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-", "+1", "01", "-01", "00", "1.", ".5", "1e", "1e+", "1.e5", "0x10", " 1", "1 ", "NaN", "Infinity",
            "-Infinity", "1_000", "١", "1.5.3", "--1"})
    void rejectsTokensOutsideTheGrammar(String token) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new JsonNumber(token));
        assertEquals("not a JSON number: '" + token + "'", e.getMessage());
    }

    @Test
    void rejectsANullToken() {
        assertThrows(NullPointerException.class, () -> new JsonNumber(null));
    }

    @Test
    void readsIntegersExactlyAndRefusesTheRest() {
        assertEquals(-0L, new JsonNumber("-0").longValueExact());
        assertEquals(Long.MIN_VALUE, new JsonNumber("-9223372036854775808").longValueExact());
        assertEquals("number 9223372036854775808 is outside the int64 range",
                assertThrows(ArithmeticException.class, () -> new JsonNumber("9223372036854775808").longValueExact()).getMessage());
        assertEquals("number 5.0 is not an integer",
                assertThrows(ArithmeticException.class, () -> new JsonNumber("5.0").longValueExact()).getMessage());
        assertEquals("number 5e0 is not an integer",
                assertThrows(ArithmeticException.class, () -> new JsonNumber("5e0").longValueExact()).getMessage());
        assertFalse(new JsonNumber("1E2").isInteger());
    }

    @Test
    void givesDoubleAndDecimalValues() {
        assertEquals(Double.POSITIVE_INFINITY, new JsonNumber("1e400").doubleValue());
        assertEquals(0.1, new JsonNumber("0.1").doubleValue());
        assertEquals(new BigDecimal("123.4500"), new JsonNumber("1.234500e2").decimalValue());
        assertEquals(new BigDecimal("9223372036854775808"), new JsonNumber("9223372036854775808").decimalValue());
    }

    @Test
    void comparesByToken() {
        assertEquals(new JsonNumber("1.0"), new JsonNumber("1.0"));
        assertFalse(new JsonNumber("1.0").equals(new JsonNumber("1")));
        assertEquals("1.0", new JsonNumber("1.0").toString());
    }
}
