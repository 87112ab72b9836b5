// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

import java.util.List;
import java.util.Locale;
import runsc.metrics.exposition.ExpositionFormat;

/**
 * Picks the format of a {@code /metrics} body from the request's {@code Accept} (RFC 9110,
 * section 12.5.1), as promhttp does with {@code EnableOpenMetrics}: OpenMetrics 1.0.0 when it is
 * enabled and the request weighs {@code application/openmetrics-text} (version 1.0.0 or no version)
 * above the text format, the text format otherwise, whatever else the header says.
 *
 * <p>Each format's weight is the q-value of the most specific media range that covers it: an
 * explicit {@code application/openmetrics-text;version=1.0.0} or {@code text/plain} (any version:
 * Prometheus 3 asks for {@code text/plain;version=1.0.0}, which the 0.0.4 text also satisfies)
 * before {@code application/*} or {@code text/*}, before {@code *}{@code /*}; {@code q=0} rules a
 * format out. OpenMetrics wins only with a weight above 0 and above the text format's, or equal to
 * it and named first. Other OpenMetrics versions ({@code 0.0.1}) are not served and count as not
 * named. So Prometheus 2.x ({@code application/openmetrics-text;version=1.0.0,...,text/plain;
 * version=0.0.4;q=0.5,*}{@code /*;q=0.1}) and 3.x ({@code ...;version=1.0.0;escaping=allow-utf-8;
 * q=0.5,...,text/plain;version=1.0.0;...;q=0.3,...}) get OpenMetrics, curl ({@code *}{@code /*})
 * and a request without the header get the text format.
 */
public final class FormatNegotiation {
    /** The media type of OpenMetrics text. */
    static final String OPENMETRICS_TYPE = "application/openmetrics-text";
    /** The one OpenMetrics version served. */
    static final String OPENMETRICS_VERSION = "1.0.0";

    /** Specificity of the range that gave a weight: none, {@code *}{@code /*}, {@code type/*}, the exact type. */
    private static final int NONE = 0;
    private static final int ANY = 1;
    private static final int TYPE = 2;
    private static final int EXACT = 3;

    private FormatNegotiation() {}

    /**
     * Picks the format of a {@code /metrics} response.
     *
     * @param accept the request's {@code Accept} field values, each a comma-separated list
     * @param openMetricsEnabled whether OpenMetrics may be chosen ({@code --openmetrics})
     * @return {@link ExpositionFormat#OPENMETRICS} or {@link ExpositionFormat#TEXT}
     */
    public static ExpositionFormat choose(List<String> accept, boolean openMetricsEnabled) {
        if (!openMetricsEnabled) {
            return ExpositionFormat.TEXT;
        }
        Weight om = new Weight();
        Weight text = new Weight();
        int position = 0;
        for (String value : accept) {
            for (String element : value.split(",")) {
                String[] parts = element.split(";");
                String range = parts[0].trim().toLowerCase(Locale.ROOT);
                if (range.isEmpty()) {
                    continue;
                }
                double q = GzipEncoding.quality(parts);
                switch (range) {
                    case OPENMETRICS_TYPE -> {
                        String version = parameter(parts, "version");
                        if (version == null || version.equals(OPENMETRICS_VERSION)) {
                            om.offer(EXACT, q, position);
                        }
                    }
                    case "application/*" -> om.offer(TYPE, q, position);
                    case "text/plain" -> text.offer(EXACT, q, position);
                    case "text/*" -> text.offer(TYPE, q, position);
                    case "*/*" -> {
                        om.offer(ANY, q, position);
                        text.offer(ANY, q, position);
                    }
                    default -> { }
                }
                position++;
            }
        }
        boolean openMetrics = om.q > 0 && (om.q > text.q || om.q == text.q && om.position < text.position);
        return openMetrics ? ExpositionFormat.OPENMETRICS : ExpositionFormat.TEXT;
    }

    /** The value of parameter {@code name} of a list element, unquoted, or null. */
    private static String parameter(String[] parts, String name) {
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase(name)) {
                String v = p.substring(eq + 1).trim();
                return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
            }
        }
        return null;
    }

    /** One format's weight: the q-value of the most specific range naming it, and where that range came. */
    private static final class Weight {
        int specificity = NONE;
        double q = 0;
        int position = Integer.MAX_VALUE;

        void offer(int rangeSpecificity, double rangeQ, int rangePosition) {
            if (rangeSpecificity > specificity || rangeSpecificity == specificity && rangeQ > q) {
                specificity = rangeSpecificity;
                q = rangeQ;
                position = rangePosition;
            }
        }
    }
}
