// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Reads the CPU time of a sandbox process's host cgroup, the figure {@code runsc events --stats}
 * scales the sandbox's own per-container accounting by (runsc's {@code cgroup.NewFromPid} and
 * {@code CPUUsage}): the process's cgroup from {@code /proc/PID/cgroup}, the controller's mount
 * from {@code /proc/self/mountinfo}, then cgroup v1 {@code cpuacct.usage} (nanoseconds) or, on a
 * host with only cgroup v2, {@code usage_usec} of {@code cpu.stat} (microseconds, times 1000). A v1
 * {@code cpuacct} hierarchy wins over v2 on hybrid hosts, as in runsc.
 *
 * <p>Every problem (process gone, no such controller, unreadable or malformed file) gives an empty
 * result rather than an error, because runsc then falls back to the sandbox's accounting too.
 */
public final class HostCgroupCpu {
    private static final String CPUACCT = "cpuacct";
    private static final String USAGE_USEC = "usage_usec ";

    private final Path proc;

    /** Reads through the host's {@code /proc}. */
    public HostCgroupCpu() {
        this(Path.of("/proc"));
    }

    /** Reads through another {@code /proc}, for tests. */
    HostCgroupCpu(Path proc) {
        this.proc = Objects.requireNonNull(proc, "proc");
    }

    /**
     * The CPU time of the cgroup that process {@code pid} is in.
     *
     * @param pid the sandbox process ID (the state file's {@code sandbox.pid})
     * @return nanoseconds, or empty when it cannot be read
     */
    public OptionalLong cpuNanos(long pid) {
        try {
            List<String> cgroups = Files.readAllLines(proc.resolve(Long.toString(pid)).resolve("cgroup"));
            List<String> mounts = Files.readAllLines(proc.resolve("self").resolve("mountinfo"));
            String v1 = null;
            String v2 = null;
            for (String line : cgroups) {
                String[] parts = line.split(":", 3);
                if (parts.length != 3) {
                    return OptionalLong.empty();
                }
                if (parts[1].isEmpty()) {
                    v2 = parts[2];
                } else if (List.of(parts[1].split(",")).contains(CPUACCT)) {
                    v1 = parts[2];
                }
            }
            if (v1 != null) {
                Path dir = directory(mounts, "cgroup", CPUACCT, v1);
                return dir == null ? OptionalLong.empty() : nanos(Files.readString(dir.resolve("cpuacct.usage")).strip(), 1);
            }
            if (v2 != null) {
                Path dir = directory(mounts, "cgroup2", null, v2);
                if (dir != null) {
                    for (String line : Files.readAllLines(dir.resolve("cpu.stat"))) {
                        if (line.startsWith(USAGE_USEC)) {
                            return nanos(line.substring(USAGE_USEC.length()).strip(), 1000);
                        }
                    }
                }
            }
            return OptionalLong.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * The directory of cgroup {@code path} under the first mount of {@code fsType} (with
     * {@code controller} among its super options, for v1), or null when none is mounted. The
     * path is relative to the mount's root, which is {@code /} except inside a cgroup namespace.
     */
    private static Path directory(List<String> mountinfo, String fsType, String controller, String path) {
        for (String line : mountinfo) {
            // ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] head = line.substring(0, dash).split(" ");
            String[] tail = line.substring(dash + 3).split(" ");
            if (head.length < 5 || tail.length < 3 || !tail[0].equals(fsType)) {
                continue;
            }
            if (controller != null && !List.of(tail[2].split(",")).contains(controller)) {
                continue;
            }
            String root = unescape(head[3]);
            String relative = path;
            if (!root.equals("/") && (path.equals(root) || path.startsWith(root + "/"))) {
                relative = path.substring(root.length());
            }
            return Path.of(unescape(head[4]), relative.isEmpty() ? "/" : relative);
        }
        return null;
    }

    /** mountinfo writes space, tab, newline and backslash as octal escapes. */
    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static OptionalLong nanos(String digits, long scale) {
        long value = Long.parseLong(digits);
        if (value < 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Math.multiplyExact(value, scale));
    }
}
