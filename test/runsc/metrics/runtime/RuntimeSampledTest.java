// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The checks of {@link RuntimeProperties} over a fixed-seed sample, so they also run where the
 * jqwik engine discovers no properties (a class-path scan or package selection in this build).
 */
class RuntimeSampledTest {
    private static final String ID_CHARS = "abcXYZ019_+.-";
    private static final String ANY_CHARS = "abc019_+.-,:/ *é\u0000日";
    private static final int CASES = 2000;

    private static String draw(Random random, String chars, int minLength, int maxLength) {
        int length = minLength + random.nextInt(maxLength - minLength + 1);
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(chars.charAt(random.nextInt(chars.length())));
        }
        return out.toString();
    }

    @Test
    void stateFileNamesRoundTrip() {
        Random random = new Random(1);
        for (int i = 0; i < CASES; i++) {
            RuntimeProperties.checkRoundTrip(draw(random, ID_CHARS, 1, 20), draw(random, ID_CHARS, 1, 20));
        }
    }

    @Test
    void parsingAnyNameNeverThrowsAndYieldsOnlyValidIds() {
        Random random = new Random(2);
        for (int i = 0; i < CASES; i++) {
            RuntimeProperties.checkAnyName(draw(random, ANY_CHARS, 0, 30));
        }
    }

    @Test
    void goTimeTextAgreesWithAFormatterAndParsesBack() {
        Random random = new Random(3);
        RuntimeProperties.checkGoTime(RuntimeProperties.MIN_SECONDS, 0);
        RuntimeProperties.checkGoTime(RuntimeProperties.MAX_SECONDS, 999_999_999);
        for (int i = 0; i < CASES; i++) {
            long seconds = random.nextLong(RuntimeProperties.MIN_SECONDS, RuntimeProperties.MAX_SECONDS + 1);
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                default -> random.nextInt(1_000_000_000);
            };
            RuntimeProperties.checkGoTime(seconds, nanos);
        }
    }
}
