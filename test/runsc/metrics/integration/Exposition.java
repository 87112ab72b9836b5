// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.integration;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.regex.Pattern;

/**
 * Reads Prometheus text exposition as these tests need it: sample lines split into name, labels,
 * value and timestamp, and a normal form that keeps everything except what changes from one
 * snapshot to the next (values, timestamps, the snapshot time in the summary line).
 */
final class Exposition {
    /** The single-snapshot summary line up to its time. */
    private static final Pattern SUMMARY =
            Pattern.compile("(# Writing data from snapshot containing \\d+ data points taken at ).*\\.");
    private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?|[+-]Inf|NaN");
    private static final Pattern TIMESTAMP = Pattern.compile("-?[0-9]+");

    private Exposition() {
    }

    /**
     * One sample line.
     *
     * @param name the metric name
     * @param labels the labels in written order (empty when the line has none)
     * @param labelText the label block as written, braces included, or "" when there is none
     * @param value the value as written
     * @param timestamp the timestamp as written, or empty
     */
    record Sample(String name, SequencedMap<String, String> labels, String labelText, String value,
                  Optional<String> timestamp) {
        Sample {
            labels = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(labels));
        }

        /** Name and label block: the identity of the series. */
        String series() {
            return name + labelText;
        }

        /** A label's value, or null. */
        String label(String key) {
            return labels.get(key);
        }
    }

    /** Every sample line of {@code text}, in order; fails on a line that is no sample, comment or blank. */
    static List<Sample> samples(String text) {
        List<Sample> out = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            out.add(parse(line));
        }
        return out;
    }

    /** Samples of {@code text} whose label {@code key} is {@code value}. */
    static List<Sample> samplesWithLabel(String text, String key, String value) {
        return samples(text).stream().filter(s -> value.equals(s.label(key))).toList();
    }

    /**
     * The normal form of an exposition: each line as written, except that a sample line keeps only
     * its series and whether it had a timestamp ({@code name{labels} <value> <ts>}), and the summary
     * line loses its time. Values and timestamps are checked to be numbers on the way.
     */
    static List<String> normalise(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                out.add(line);
            } else if (line.startsWith("#")) {
                var m = SUMMARY.matcher(line);
                out.add(m.matches() ? m.group(1) + "<time>." : line);
            } else {
                Sample s = parse(line);
                out.add(s.series() + " <value>" + (s.timestamp().isPresent() ? " <ts>" : ""));
            }
        }
        return out;
    }

    /** Parses one sample line: {@code name[{labels}] value [timestamp]}. */
    static Sample parse(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        SequencedMap<String, String> labels = new LinkedHashMap<>();
        String labelText = "";
        if (i < line.length() && line.charAt(i) == '{') {
            int start = i;
            i = parseLabels(line, i + 1, labels);
            labelText = line.substring(start, i);
        }
        String rest = line.substring(i);
        if (name.isEmpty() || !rest.startsWith(" ")) {
            throw new AssertionError("not a sample line: " + line);
        }
        String[] fields = rest.substring(1).split(" ", -1);
        if (fields.length > 2 || !NUMBER.matcher(fields[0]).matches()
                || (fields.length == 2 && !TIMESTAMP.matcher(fields[1]).matches())) {
            throw new AssertionError("sample line without a number value and optional integer timestamp: " + line);
        }
        return new Sample(name, labels, labelText, fields[0], fields.length == 2 ? Optional.of(fields[1]) : Optional.empty());
    }

    /** Reads {@code k="v",...}} from {@code i}; returns the index after the closing brace. */
    private static int parseLabels(String line, int i, Map<String, String> labels) {
        while (true) {
            if (i < line.length() && line.charAt(i) == '}') {
                return i + 1;
            }
            int eq = line.indexOf('=', i);
            if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
                throw new AssertionError("bad label block in: " + line);
            }
            String key = line.substring(i, eq);
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            while (j < line.length() && line.charAt(j) != '"') {
                char c = line.charAt(j);
                if (c == '\\' && j + 1 < line.length()) {
                    char e = line.charAt(++j);
                    value.append(e == 'n' ? '\n' : e);
                } else {
                    value.append(c);
                }
                j++;
            }
            if (j >= line.length()) {
                throw new AssertionError("unterminated label value in: " + line);
            }
            if (labels.put(key, value.toString()) != null) {
                throw new AssertionError("duplicate label " + key + " in: " + line);
            }
            i = j + 1;
            if (i < line.length() && line.charAt(i) == ',') {
                i++;
            }
        }
    }
}
