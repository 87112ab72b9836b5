// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.exposition;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import runsc.metrics.gotext.GoText;

/**
 * The order of the output: every (snapshot, data point) pair by group, then snapshot, then point.
 * A group is one {@code prefix + name}; groups sort bytewise over UTF-8, as Go sorts strings.
 *
 * <p>A scrape has tens of thousands of points but only a few hundred groups, so each group gets a
 * number (two hash lookups per point, no allocation per point), its {@code prefix + name} is encoded
 * once, the groups are ranked by those bytes, and the points are placed by a counting sort on the
 * rank, which keeps snapshot and point order within a group. An instance is not thread-safe.
 */
final class GroupOrder {
    /** Most distinct prefixes whose UTF-8 bytes are cached. */
    static final int PREFIX_CACHE_LIMIT = 32;

    private final Map<String, byte[]> prefixCache = new HashMap<>();
    private final Map<String, Map<String, Integer>> groupIds = new HashMap<>();
    private final List<Group> groups = new ArrayList<>();

    // Every group's prefix+name bytes, one after the other: group g's at [nameAt[g], nameAt[g + 1]).
    private byte[] names = new byte[4096];
    private int[] nameAt = new int[65];

    // The points in output order, packed (snapshot << 32 | point), and each point's group.
    private long[] order = new long[64];
    private int[] pointGroup = new int[64];
    // Per rank r: its group, and where its points end in order; both made by sort.
    private int[] byRank;
    private int[] end;

    /**
     * One group's name as strings, for the rare comparison that cannot use the encoded bytes.
     *
     * @param prefix the exporter prefix
     * @param name the unprefixed metric name
     * @param hasSurrogate whether either holds a surrogate, which its UTF-8 bytes do not order right
     */
    private record Group(String prefix, String name, boolean hasSurrogate) {}

    /**
     * Orders the points of {@code snapshots}.
     *
     * @param points the number of data points of all snapshots
     */
    void sort(List<LabeledSnapshot> snapshots, int points) {
        if (order.length < points) {
            order = new long[points];
            pointGroup = new int[points];
        }
        assignGroups(snapshots);
        byRank = sortGroups();
        int count = groups.size();
        int[] rank = new int[count];
        for (int r = 0; r < count; r++) {
            rank[byRank[r]] = r;
        }
        // end[r] first holds where rank r starts; placing its points moves it to where it ends.
        end = new int[count + 1];
        for (int i = 0; i < points; i++) {
            end[rank[pointGroup[i]] + 1]++;
        }
        for (int r = 0; r < count; r++) {
            end[r + 1] += end[r];
        }
        int i = 0;
        for (int s = 0; s < snapshots.size(); s++) {
            int size = snapshots.get(s).snapshot().data().size();
            for (int d = 0; d < size; d++) {
                order[end[rank[pointGroup[i++]]]++] = (long) s << 32 | d;
            }
        }
    }

    /** {@return the number of groups} */
    int groupCount() {
        return groups.size();
    }

    /** {@return the group of rank {@code r}, the {@code r}-th in output order} */
    int group(int r) {
        return byRank[r];
    }

    /** {@return the index in {@link #point} after the last point of rank {@code r}; the first of rank 0 is 0} */
    int end(int r) {
        return end[r];
    }

    /** {@return the {@code k}-th point in output order, packed as {@code snapshot << 32 | point}} */
    long point(int k) {
        return order[k];
    }

    /** Writes the {@code prefix + name} of group {@code g}. */
    void writeName(TextBuffer out, int g) throws IOException {
        out.writeBytes(names, nameAt[g], nameAt[g + 1] - nameAt[g]);
    }

    /** Writes the {@code prefix + name} of group {@code g} without its last {@code trim} bytes. */
    void writeName(TextBuffer out, int g, int trim) throws IOException {
        out.writeBytes(names, nameAt[g], nameAt[g + 1] - nameAt[g] - trim);
    }

    /** {@return whether the {@code prefix + name} of group {@code g} is longer than these bytes and ends with them} */
    boolean nameEndsWith(int g, byte[] suffix) {
        int end = nameAt[g + 1];
        return end - nameAt[g] > suffix.length
                && Arrays.equals(names, end - suffix.length, end, suffix, 0, suffix.length);
    }

    /** {@return the {@code prefix + name} of group {@code g} as a string (allocated: once per group)} */
    String name(int g) {
        return groups.get(g).prefix() + groups.get(g).name();
    }

    /** Drops references, so that a reused instance does not keep the snapshots' names alive. */
    void release() {
        groups.clear();
        groupIds.clear();
    }

    /**
     * Gives every distinct (prefix, name) a group number, in {@code pointGroup} per point, and
     * encodes its {@code prefix + name} into {@link #names}.
     */
    private void assignGroups(List<LabeledSnapshot> snapshots) {
        groupIds.clear();
        groups.clear();
        int i = 0;
        for (LabeledSnapshot e : snapshots) {
            String prefix = e.options().exporterPrefix();
            byte[] prefixBytes = prefixBytes(prefix);
            Map<String, Integer> byName = groupIds.computeIfAbsent(prefix, k -> new HashMap<>());
            for (Data d : e.snapshot().data()) {
                String name = d.metric().name();
                Integer g = byName.get(name);
                if (g == null) {
                    g = groups.size();
                    addGroup(g, prefix, prefixBytes, name);
                    byName.put(name, g);
                }
                pointGroup[i++] = g;
            }
        }
    }

    private void addGroup(int g, String prefix, byte[] prefixBytes, String name) {
        if (g + 1 == nameAt.length) {
            nameAt = Arrays.copyOf(nameAt, g * 2 + 1);
        }
        int start = nameAt[g];
        int need = start + prefixBytes.length + 3 * name.length();
        if (need > names.length) {
            names = Arrays.copyOf(names, Math.max(need, names.length * 2));
        }
        System.arraycopy(prefixBytes, 0, names, start, prefixBytes.length);
        nameAt[g + 1] = TextEncoding.encode(name, 0, name.length(), Escape.NONE, names, start + prefixBytes.length);
        // One byte per char means ASCII, so only longer encodings need the scan.
        groups.add(new Group(prefix, name, nameAt[g + 1] - start != prefix.length() + name.length()
                && (hasSurrogate(prefix) || hasSurrogate(name))));
    }

    /** {@return the group numbers sorted by {@code prefix + name} in Go's bytewise string order} */
    private int[] sortGroups() {
        int count = groups.size();
        Integer[] sorted = new Integer[count];
        for (int g = 0; g < count; g++) {
            sorted[g] = g;
        }
        Arrays.sort(sorted, this::compareGroups);
        int[] ranked = new int[count];
        for (int r = 0; r < count; r++) {
            ranked[r] = sorted[r];
        }
        return ranked;
    }

    /**
     * Compares two groups by name. Without surrogates the UTF-8 bytes already in {@link #names}
     * sort in code point order, and one vectorized mismatch finds the difference (names share
     * long prefixes such as {@code runsc_netstack_}); a lone surrogate is encoded as U+FFFD, so
     * names with surrogates are compared char by char, in code point order.
     */
    private int compareGroups(int x, int y) {
        Group a = groups.get(x);
        Group b = groups.get(y);
        if (a.hasSurrogate() || b.hasSurrogate()) {
            return compareGroupNames(a.prefix(), a.name(), b.prefix(), b.name());
        }
        return Arrays.compareUnsigned(names, nameAt[x], nameAt[x + 1], names, nameAt[y], nameAt[y + 1]);
    }

    private static boolean hasSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isSurrogate(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private byte[] prefixBytes(String prefix) {
        byte[] bytes = prefixCache.get(prefix);
        if (bytes == null) {
            if (prefixCache.size() >= PREFIX_CACHE_LIMIT) {
                prefixCache.clear();
            }
            bytes = prefix.getBytes(StandardCharsets.UTF_8);
            prefixCache.put(prefix, bytes);
        }
        return bytes;
    }

    /** Compares {@code px + nx} with {@code py + ny} bytewise over UTF-8 without building the strings. */
    private static int compareGroupNames(String px, String nx, String py, String ny) {
        int lx = px.length() + nx.length();
        int ly = py.length() + ny.length();
        int n = Math.min(lx, ly);
        for (int i = 0; i < n; i++) {
            char cx = i < px.length() ? px.charAt(i) : nx.charAt(i - px.length());
            char cy = i < py.length() ? py.charAt(i) : ny.charAt(i - py.length());
            if (cx != cy) {
                return GoText.codePointOrder(cx) - GoText.codePointOrder(cy);
            }
        }
        return lx - ly;
    }
}
