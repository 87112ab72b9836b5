// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The members of a {@link JsonObject}: an immutable map in document order, kept as two arrays.
 *
 * <p>Sandbox replies are mostly small objects ({@code {"metric":..,"val":..}}, {@code {"int":12}})
 * read once and thrown away, thousands per scrape. A {@code LinkedHashMap} behind an unmodifiable
 * view costs a node per member, a copy when the record is built, and a wrapper object per entry on
 * every iteration; here a member is two array slots, and lookups of small objects scan the keys.
 * Objects with more than {@link #INDEX_FROM} members get a hash index for {@link #get}.
 */
final class Members extends ArrayMap<JsonValue> {
    /** From this many members on, {@link #get} uses a hash index instead of a scan. */
    static final int INDEX_FROM = 9;

    static final Members EMPTY = new Members(new String[0], new JsonValue[0], 0, null, null);

    private final String[] keys;
    private final JsonValue[] values;
    private final int size;
    private final Map<String, Integer> index;
    // When a repeated name replaced a value: for each slot, the place in the document of the member
    // that set it (see lastIgnoringCase); null when no name was repeated, the slots' own order then.
    private final int[] setAt;

    /**
     * Takes the arrays over; {@code index} maps every key to its slot, or is null below
     * {@link #INDEX_FROM}; {@code setAt} is null or says where in the document each slot's value was set.
     */
    private Members(String[] keys, JsonValue[] values, int size, Map<String, Integer> index, int[] setAt) {
        this.keys = keys;
        this.values = values;
        this.size = size;
        this.index = index;
        this.setAt = setAt;
    }

    private static Map<String, Integer> indexOf(String[] keys, int size) {
        Map<String, Integer> index = HashMap.newHashMap(size);
        for (int i = 0; i < size; i++) {
            index.put(keys[i], i);
        }
        return index;
    }

    /** {@return an immutable copy of {@code map} in its iteration order; rejects null keys and values} */
    static Members copyOf(Map<String, JsonValue> map) {
        if (map instanceof Members m) {
            return m;
        }
        Builder b = new Builder();
        map.forEach((k, v) -> b.put(Objects.requireNonNull(k, "key"), Objects.requireNonNull(v, "value")));
        return b.build();
    }

    /**
     * Returns the value of the last member whose name equals {@code name} ignoring case, or null
     * (Go's {@code encoding/json} field matching; see {@link JsonObject#memberIgnoringCase}).
     */
    JsonValue lastIgnoringCase(String name) {
        if (setAt == null) {
            for (int i = size - 1; i >= 0; i--) {
                if (keys[i].equalsIgnoreCase(name)) {
                    return values[i];
                }
            }
            return null;
        }
        // A repeated name keeps its first slot but was set later: the latest setting wins, as in
        // Go, which decodes {"a":1,"A":2,"a":3} member by member into one field and ends with 3.
        int best = -1;
        for (int i = 0; i < size; i++) {
            if (keys[i].equalsIgnoreCase(name) && (best < 0 || setAt[i] > setAt[best])) {
                best = i;
            }
        }
        return best < 0 ? null : values[best];
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    protected String keyAt(int slot) {
        return keys[slot];
    }

    @Override
    protected JsonValue valueAt(int slot) {
        return values[slot];
    }

    /** Looks the key up by the index if there is one. */
    @Override
    protected int slotOf(Object key) {
        return find(keys, size, index, key);
    }

    /** The slot of {@code key} among the first {@code size} keys, by the index if there is one; -1 if absent. */
    private static int find(String[] keys, int size, Map<String, Integer> index, Object key) {
        if (index != null) {
            Integer i = index.get(key);
            return i == null ? -1 : i;
        }
        for (int i = 0; i < size; i++) {
            if (keys[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Collects members in document order. A repeated name keeps its first position and takes the
     * last value, as a {@code LinkedHashMap} would (Go's decoder, too, keeps the last value).
     * Reusable: {@link #build()} copies the members out at their exact size and empties the
     * builder, so that a parser keeps one builder per nesting level rather than making one per
     * object.
     */
    static final class Builder {
        private String[] keys = new String[4];
        private JsonValue[] values = new JsonValue[4];
        private int size;
        private Map<String, Integer> index;
        // Made at the first repeated name: where in the document each slot was last set.
        private int[] setAt;
        private int puts;

        /** {@return whether a member of this name was put} */
        boolean contains(String key) {
            return find(key) >= 0;
        }

        void put(String key, JsonValue value) {
            int i = find(key);
            int at = puts++;
            if (i >= 0) {
                values[i] = value;
                if (setAt == null) {
                    setAt = new int[keys.length];
                    for (int k = 0; k < size; k++) {
                        setAt[k] = k; // until now every put made a slot, in order
                    }
                }
                setAt[i] = at;
                return;
            }
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            if (setAt != null) {
                if (size >= setAt.length) {
                    setAt = Arrays.copyOf(setAt, keys.length);
                }
                setAt[size] = at;
            }
            keys[size] = key;
            values[size] = value;
            if (index != null) {
                index.put(key, size);
            } else if (size + 1 >= INDEX_FROM) {
                index = indexOf(keys, size + 1);
            }
            size++;
        }

        private int find(String key) {
            return Members.find(keys, size, index, key);
        }

        /** {@return the members, copied out; the builder is empty afterwards, ready for the next object} */
        Members build() {
            if (size == 0) {
                return EMPTY;
            }
            Members m = new Members(Arrays.copyOf(keys, size), Arrays.copyOf(values, size), size, index,
                    setAt == null ? null : Arrays.copyOf(setAt, size));
            Arrays.fill(values, 0, size, null); // do not keep the values alive until the slots are reused
            size = 0;
            index = null;
            setAt = null;
            puts = 0;
            return m;
        }
    }
}
