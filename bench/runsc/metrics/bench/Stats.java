// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Percentiles of samples, machine load and /proc readings shared by the benchmark mains. */
final class Stats {
    private Stats() {}

    /** The p-th percentile (0..100) of nanosecond samples, nearest rank, in milliseconds. */
    static double percentileMillis(long[] nanos, double p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        if (p == 50 && sorted.length % 2 == 0) {
            return (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2e6;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }

    static double medianMillis(long[] nanos) {
        return percentileMillis(nanos, 50);
    }

    static double medianMillis(List<Long> nanos) {
        return medianMillis(nanos.stream().mapToLong(Long::longValue).toArray());
    }

    static long[] toArray(List<Long> nanos) {
        return nanos.stream().mapToLong(Long::longValue).toArray();
    }

    /** {@code uptime}'s three load averages. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return "load average: " + f[0] + ", " + f[1] + ", " + f[2];
        } catch (IOException e) {
            return "load average: unknown (" + e.getMessage() + ")";
        }
    }

    /** A field of /proc/PID/status in KiB ({@code VmRSS}, {@code VmHWM}), or -1. */
    static long statusKib(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").strip());
            }
        }
        return -1;
    }

    /** Open file descriptors of a process. */
    static long fds(long pid) throws IOException {
        try (var s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return s.count();
        }
    }

    static String mib(long kib) {
        return String.format(Locale.ROOT, "%.1f MiB", kib / 1024.0);
    }

    static String ms(double millis) {
        return String.format(Locale.ROOT, "%.2f ms", millis);
    }

    static String ratio(double a, double b) {
        return String.format(Locale.ROOT, "%.2fx", a / b);
    }
}
