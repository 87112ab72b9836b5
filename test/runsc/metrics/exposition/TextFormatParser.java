// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A strict parser for the Prometheus text format 0.0.4, for tests: it accepts exactly what the
 * format allows (escapes {@code \\ \" \n} in label values, {@code \\ \n} in HELP, one HELP and one
 * TYPE per family, both before the family's first sample) and throws on anything else.
 */
final class TextFormatParser {
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern VALUE = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?|NaN|[+-]Inf");
    private static final Pattern TIMESTAMP = Pattern.compile("-?\\d{1,19}");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    /**
     * A sample line.
     *
     * @param name the metric name
     * @param labels the labels in line order, values unescaped
     * @param value the value text
     * @param timestamp the timestamp text, or null
     */
    record Sample(String name, Map<String, String> labels, String value, String timestamp) {}

    /**
     * The parsed document.
     *
     * @param samples the samples in order
     * @param help HELP text (unescaped) by metric name
     * @param types TYPE by metric name
     * @param typeOrder the names of TYPE lines in order
     */
    record Document(List<Sample> samples, Map<String, String> help, Map<String, String> types, List<String> typeOrder) {}

    /** A syntax or structure error. */
    static final class ParseException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ParseException(int line, String message) {
            super("line " + line + ": " + message);
        }
    }

    private TextFormatParser() {}

    static Document parse(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new ParseException(0, "text does not end with a newline");
        }
        var samples = new ArrayList<Sample>();
        var help = new HashMap<String, String>();
        var types = new HashMap<String, String>();
        var typeOrder = new ArrayList<String>();
        Set<String> familiesWithSamples = new HashSet<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length - 1; i++) {
            String line = lines[i];
            int n = i + 1;
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] parts = line.split(" ", 4);
                if (parts.length >= 3 && parts[0].equals("#") && (parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
                    String name = parts[2];
                    if (!METRIC_NAME.matcher(name).matches()) {
                        throw new ParseException(n, "invalid metric name " + name);
                    }
                    if (familiesWithSamples.contains(name)) {
                        throw new ParseException(n, parts[1] + " for " + name + " after its samples");
                    }
                    String rest = parts.length == 4 ? parts[3] : "";
                    if (parts[1].equals("HELP")) {
                        if (help.put(name, unescape(rest, false, n)) != null) {
                            throw new ParseException(n, "second HELP for " + name);
                        }
                    } else {
                        if (!TYPES.contains(rest)) {
                            throw new ParseException(n, "unknown type " + rest);
                        }
                        if (types.put(name, rest) != null) {
                            throw new ParseException(n, "second TYPE for " + name);
                        }
                        typeOrder.add(name);
                    }
                }
                continue;
            }
            Sample s = sample(line, n);
            samples.add(s);
            familiesWithSamples.add(family(s.name(), types));
            if (s.name().endsWith("_bucket") && "histogram".equals(types.get(family(s.name(), types)))
                    && !s.labels().containsKey("le")) {
                throw new ParseException(n, "bucket without le");
            }
        }
        return new Document(samples, help, types, typeOrder);
    }

    /** The family a sample name belongs to: a histogram's suffixed series belong to the histogram. */
    static String family(String name, Map<String, String> types) {
        for (String suffix : List.of("_bucket", "_sum", "_count")) {
            if (name.endsWith(suffix)) {
                String base = name.substring(0, name.length() - suffix.length());
                if ("histogram".equals(types.get(base))) {
                    return base;
                }
            }
        }
        return name;
    }

    private static Sample sample(String line, int n) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        if (!METRIC_NAME.matcher(name).matches()) {
            throw new ParseException(n, "invalid metric name '" + name + "'");
        }
        var labels = new LinkedHashMap<String, String>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (true) {
                if (i < line.length() && line.charAt(i) == '}') {
                    i++;
                    break;
                }
                int eq = line.indexOf('=', i);
                if (eq < 0) {
                    throw new ParseException(n, "label without '='");
                }
                String key = line.substring(i, eq);
                if (!LABEL_NAME.matcher(key).matches()) {
                    throw new ParseException(n, "invalid label name '" + key + "'");
                }
                i = eq + 1;
                if (i >= line.length() || line.charAt(i) != '"') {
                    throw new ParseException(n, "label value not quoted");
                }
                i++;
                var value = new StringBuilder();
                while (true) {
                    if (i >= line.length()) {
                        throw new ParseException(n, "unterminated label value");
                    }
                    char c = line.charAt(i++);
                    if (c == '"') {
                        break;
                    }
                    if (c == '\\') {
                        if (i >= line.length()) {
                            throw new ParseException(n, "dangling backslash");
                        }
                        char e = line.charAt(i++);
                        switch (e) {
                            case '\\' -> value.append('\\');
                            case '"' -> value.append('"');
                            case 'n' -> value.append('\n');
                            default -> throw new ParseException(n, "invalid escape \\" + e);
                        }
                    } else {
                        value.append(c);
                    }
                }
                if (labels.put(key, value.toString()) != null) {
                    throw new ParseException(n, "duplicate label " + key);
                }
                if (i < line.length() && line.charAt(i) == ',') {
                    i++;
                } else if (i >= line.length() || line.charAt(i) != '}') {
                    throw new ParseException(n, "expected ',' or '}'");
                }
            }
        }
        if (i >= line.length() || line.charAt(i) != ' ') {
            throw new ParseException(n, "expected a space before the value");
        }
        String[] rest = line.substring(i + 1).split(" ", -1);
        if (rest.length > 2 || !VALUE.matcher(rest[0]).matches()) {
            throw new ParseException(n, "invalid value or timestamp '" + line.substring(i + 1) + "'");
        }
        String timestamp = rest.length == 2 ? rest[1] : null;
        if (timestamp != null && !TIMESTAMP.matcher(timestamp).matches()) {
            throw new ParseException(n, "invalid timestamp '" + timestamp + "'");
        }
        return new Sample(name, labels, rest[0], timestamp);
    }

    private static String unescape(String text, boolean quotes, int n) {
        var sb = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (++i >= text.length()) {
                throw new ParseException(n, "dangling backslash");
            }
            char e = text.charAt(i);
            switch (e) {
                case '\\' -> sb.append('\\');
                case 'n' -> sb.append('\n');
                case '"' -> {
                    if (!quotes) {
                        throw new ParseException(n, "invalid escape \\\" in HELP");
                    }
                    sb.append('"');
                }
                default -> throw new ParseException(n, "invalid escape \\" + e);
            }
        }
        return sb.toString();
    }
}
