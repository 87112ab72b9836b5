// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import runsc.metrics.json.ArrayMap;

/**
 * An immutable label map in insertion order, kept as one array of keys and values, which the model
 * records ({@link Data}, {@link PrefixAndLabels}) take as it is instead of copying it.
 *
 * <p>A scrape builds thousands of data points, most with zero to three labels, and the same few
 * identity label maps go on the server's own rows of every sandbox; a copy into a
 * {@code LinkedHashMap} per point would be a good part of what a scrape allocates. Lookups scan the
 * array, so maps of more than {@link #MAX_SCANNED} labels (which only a hostile sandbox sends) are
 * copied into a hashed map instead.
 */
public final class LabelMap extends ArrayMap<String> {
    /** The most labels kept in an array; more are copied into a hashed map, for lookups. */
    static final int MAX_SCANNED = 16;

    private static final Class<?> MAP_OF_ONE = Map.of("", "").getClass();

    // Key i at 2i, its value at 2i + 1.
    private final String[] keysAndValues;

    private LabelMap(String[] keysAndValues) {
        this.keysAndValues = keysAndValues;
    }

    /**
     * {@return an unmodifiable map of {@code map}'s labels in its iteration order: {@code map}
     * itself when it already is one (a {@code LabelMap}, an empty map, or {@code Map.of} of one
     * label); an empty map for null}
     *
     * @param map  the labels
     * @param what what the labels are, for the message when a key or value is null
     * @throws NullPointerException if a key or value is null
     */
    public static Map<String, String> copyOf(Map<String, String> map, String what) {
        if (map == null || map.isEmpty()) {
            return Map.of();
        }
        if (map instanceof LabelMap || map.getClass() == MAP_OF_ONE) {
            return map;
        }
        if (map.size() > MAX_SCANNED) {
            var copy = new LinkedHashMap<String, String>(map.size() * 2);
            for (var e : map.entrySet()) {
                copy.put(Objects.requireNonNull(e.getKey(), what + " key"), Objects.requireNonNull(e.getValue(), what + " value"));
            }
            return Collections.unmodifiableMap(copy);
        }
        String[] kv = new String[map.size() * 2];
        int i = 0;
        for (var e : map.entrySet()) {
            kv[i++] = Objects.requireNonNull(e.getKey(), what + " key");
            kv[i++] = Objects.requireNonNull(e.getValue(), what + " value");
        }
        return new LabelMap(kv);
    }

    /**
     * {@return an unmodifiable map of the labels in {@code keysAndValues}, in their order}
     *
     * @param keysAndValues key, value, key, value...; taken over, not copied: the caller must not
     *                      change it afterwards
     * @throws IllegalArgumentException if the length is odd or a key repeats
     * @throws NullPointerException if a key or value is null
     */
    public static Map<String, String> ofPairs(String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("an odd number of keys and values: " + keysAndValues.length);
        }
        for (String s : keysAndValues) {
            Objects.requireNonNull(s, "label key or value");
        }
        int n = keysAndValues.length / 2;
        if (n == 0) {
            return Map.of();
        }
        if (n <= MAX_SCANNED) {
            for (int i = 1; i < n; i++) {
                for (int j = 0; j < i; j++) {
                    if (keysAndValues[2 * i].equals(keysAndValues[2 * j])) {
                        throw duplicate(keysAndValues[2 * i]);
                    }
                }
            }
            return new LabelMap(keysAndValues);
        }
        var copy = new LinkedHashMap<String, String>(n * 2);
        for (int i = 0; i < n; i++) {
            if (copy.putIfAbsent(keysAndValues[2 * i], keysAndValues[2 * i + 1]) != null) {
                throw duplicate(keysAndValues[2 * i]);
            }
        }
        return Collections.unmodifiableMap(copy);
    }

    private static IllegalArgumentException duplicate(String key) {
        return new IllegalArgumentException("label " + key + " is given twice");
    }

    @Override
    public int size() {
        return keysAndValues.length / 2;
    }

    @Override
    protected String keyAt(int slot) {
        return keysAndValues[2 * slot];
    }

    @Override
    protected String valueAt(int slot) {
        return keysAndValues[2 * slot + 1];
    }
}
