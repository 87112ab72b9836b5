// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable, ordered list of header fields with case-insensitive lookup by name.
 *
 * @param list the fields in the order received
 */
public record HttpHeaders(List<Header> list) {
    /** An empty header list. */
    public static final HttpHeaders EMPTY = new HttpHeaders(List.of());

    /** Copies the list. */
    public HttpHeaders {
        list = List.copyOf(list);
    }

    /**
     * Creates a header list from alternating names and values.
     *
     * @param namesAndValues name, value, name, value, ...
     * @return the headers
     */
    public static HttpHeaders of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("headers need a value for every name, got "
                    + namesAndValues.length + " strings");
        }
        List<Header> headers = new ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.add(new Header(namesAndValues[i], namesAndValues[i + 1]));
        }
        return new HttpHeaders(headers);
    }

    /**
     * Creates a header list from a map of names to values (as {@code com.sun.net.httpserver} keeps them).
     *
     * @param map the values per name
     * @return the headers, names in the map's order
     */
    public static HttpHeaders of(Map<String, List<String>> map) {
        List<Header> headers = new ArrayList<>();
        map.forEach((name, values) -> values.forEach(v -> headers.add(new Header(name, v))));
        return new HttpHeaders(headers);
    }

    /**
     * Returns the first value of a field.
     *
     * @param name the field name, any case
     * @return the value, or empty if the field is absent
     */
    public Optional<String> first(String name) {
        for (Header h : list) {
            if (h.name().equalsIgnoreCase(name)) {
                return Optional.of(h.value());
            }
        }
        return Optional.empty();
    }

    /**
     * Returns every value of a field, in order.
     *
     * @param name the field name, any case
     * @return the values, possibly none
     */
    public List<String> all(String name) {
        List<String> values = new ArrayList<>();
        for (Header h : list) {
            if (h.name().equalsIgnoreCase(name)) {
                values.add(h.value());
            }
        }
        return List.copyOf(values);
    }
}
