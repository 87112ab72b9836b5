// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostCgroupCpuTest {
    @TempDir
    Path dir;

    /** A fake /proc with process 42's cgroup file and our mountinfo, mount points under {@code dir}. */
    private HostCgroupCpu proc(String cgroup, String mountinfo) throws IOException {
        Path proc = dir.resolve("proc");
        Files.createDirectories(proc.resolve("42"));
        Files.createDirectories(proc.resolve("self"));
        Files.writeString(proc.resolve("42/cgroup"), cgroup);
        Files.writeString(proc.resolve("self/mountinfo"), mountinfo.replace("DIR", dir.toString()));
        return new HostCgroupCpu(proc);
    }

    private void write(String relative, String text) throws IOException {
        Path p = dir.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    private static final String HYBRID_MOUNTS = """
            30 22 0:27 / DIR/cg rw,relatime - tmpfs tmpfs rw,mode=755
            31 30 0:28 / DIR/cg/cpu rw,relatime - cgroup cgroup rw,cpu
            32 30 0:29 / DIR/cg/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
            40 30 0:37 / DIR/cg/unified rw,relatime - cgroup2 cgroup2 rw
            """;

    @Test
    void readsCpuacctUsageOfTheProcesssV1Cgroup() throws IOException {
        // The layout of this project's test hosts: one hierarchy per controller, plus an unused v2 mount.
        write("cg/cpuacct/rr1-st1/cpuacct.usage", "391207795\n");
        write("cg/unified/cpu.stat", "usage_usec 5\n");
        HostCgroupCpu cpu = proc("9:name=systemd:/\n2:cpuacct:/rr1-st1\n1:cpu:/rr1-st1\n0::/\n", HYBRID_MOUNTS);
        assertEquals(OptionalLong.of(391_207_795L), cpu.cpuNanos(42));
    }

    @Test
    void findsACombinedCpuCpuacctHierarchyAndAPathBelowANamespacedRoot() throws IOException {
        write("cg/cpu,cpuacct/kubepods/pod1/cpuacct.usage", "7\n");
        HostCgroupCpu cpu = proc("3:cpu,cpuacct:/kubepods/pod1\n",
                "31 30 0:28 /kubepods DIR/cg/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n");
        assertEquals(OptionalLong.empty(), cpu.cpuNanos(42), "the mount root /kubepods is not repeated");
        write("cg/cpu,cpuacct/pod1/cpuacct.usage", "7\n");
        assertEquals(OptionalLong.of(7), cpu.cpuNanos(42));
    }

    @Test
    void readsUsageUsecOnAV2OnlyHost() throws IOException {
        write("cg/system.slice/runsc-sb1.scope/cpu.stat", "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n");
        HostCgroupCpu cpu = proc("0::/system.slice/runsc-sb1.scope\n",
                "25 22 0:26 / DIR/cg rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n");
        assertEquals(OptionalLong.of(1_500_000L), cpu.cpuNanos(42));
    }

    @Test
    void mountPointsWithEscapedSpacesAreUnescaped() throws IOException {
        write("c g/cpuacct/x/cpuacct.usage", "11");
        HostCgroupCpu cpu = proc("2:cpuacct:/x\n", "32 30 0:29 / DIR/c\\040g/cpuacct rw - cgroup cgroup rw,cpuacct\n");
        assertEquals(OptionalLong.of(11), cpu.cpuNanos(42));
    }

    @Test
    void anythingMissingOrMalformedIsEmpty() throws IOException {
        HostCgroupCpu cpu = proc("2:cpuacct:/gone\n", HYBRID_MOUNTS);
        assertEquals(OptionalLong.empty(), cpu.cpuNanos(42), "no cpuacct.usage file");
        assertEquals(OptionalLong.empty(), cpu.cpuNanos(43), "no such process");
        write("cg/cpuacct/gone/cpuacct.usage", "lots\n");
        assertEquals(OptionalLong.empty(), cpu.cpuNanos(42), "not a number");
        assertEquals(OptionalLong.empty(), proc("garbage\n", HYBRID_MOUNTS).cpuNanos(42), "not a cgroup line");
        assertEquals(OptionalLong.empty(), proc("2:cpuacct:/gone\n", "").cpuNanos(42), "nothing mounted");
    }
}
