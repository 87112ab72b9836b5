// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.json;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * An immutable map kept in arrays, in insertion order, that looks its keys up by scanning them:
 * the shape of the small maps that decoding builds by the thousand (a JSON object's members, a data
 * point's labels), where a hashed map's node per entry and wrapper per iterated entry would be a
 * good part of what decoding allocates. A subclass says where the key and value of each slot are, and
 * may find keys faster ({@link #slotOf}).
 *
 * @param <V> the type of the values
 */
public abstract class ArrayMap<V> extends AbstractMap<String, V> {
    /** For subclasses. */
    protected ArrayMap() {}

    /**
     * {@return the key in a slot}
     *
     * @param slot from 0 to {@code size() - 1}, in insertion order
     */
    protected abstract String keyAt(int slot);

    /**
     * {@return the value in a slot}
     *
     * @param slot from 0 to {@code size() - 1}, in insertion order
     */
    protected abstract V valueAt(int slot);

    /**
     * {@return the slot of {@code key}, or -1 if it is absent}; scans the keys.
     *
     * @param key any object
     */
    protected int slotOf(Object key) {
        int size = size();
        for (int i = 0; i < size; i++) {
            if (keyAt(i).equals(key)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean containsKey(Object key) {
        return slotOf(key) >= 0;
    }

    @Override
    public V get(Object key) {
        int i = slotOf(key);
        return i < 0 ? null : valueAt(i);
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super V> action) {
        int size = size();
        for (int i = 0; i < size; i++) {
            action.accept(keyAt(i), valueAt(i));
        }
    }

    @Override
    public Set<Entry<String, V>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return ArrayMap.this.size();
            }

            @Override
            public Iterator<Entry<String, V>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < size();
                    }

                    @Override
                    public Entry<String, V> next() {
                        if (next >= size()) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return Map.entry(keyAt(i), valueAt(i));
                    }
                };
            }
        };
    }
}
