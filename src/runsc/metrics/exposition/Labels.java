// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Copies of label maps that keep insertion order; shared by the model records. */
final class Labels {
    private Labels() {}

    /** {@return an unmodifiable copy of {@code map} in its iteration order; null gives an empty map} */
    static Map<String, String> orderedCopy(Map<String, String> map, String what) {
        if (map == null || map.isEmpty()) {
            return Map.of();
        }
        var copy = new LinkedHashMap<String, String>(map.size() * 2);
        for (var e : map.entrySet()) {
            copy.put(Objects.requireNonNull(e.getKey(), what + " key"),
                    Objects.requireNonNull(e.getValue(), what + " value"));
        }
        return Collections.unmodifiableMap(copy);
    }
}
