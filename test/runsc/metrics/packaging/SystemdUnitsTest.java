// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import runsc.metrics.testing.ProjectFiles;
import runsc.metrics.testing.ScratchDir;

/** The systemd units: valid for systemd-analyze, hardened, and consistent with each other. */
class SystemdUnitsTest {
    static final Path UNITS = ProjectFiles.resolve("deploy/systemd");
    /** Exposure score (systemd-analyze security, 0 safest to 10) the service must stay at or under. */
    static final double MAX_EXPOSURE = 1.5;

    private static String read(String name) throws Exception {
        return Files.readString(UNITS.resolve(name), StandardCharsets.UTF_8);
    }

    /** The units with ExecStart pointing at the built image, so verify can check the command exists. */
    private static Path copyForImage(Path dir) throws Exception {
        Path image = Path.of(System.getProperty("runsc.metrics.image", "build/image")).toAbsolutePath();
        Files.writeString(dir.resolve("runsc-metrics.service"), read("runsc-metrics.service")
                .replace("ExecStart=/usr/bin/runsc-metrics ", "ExecStart=" + image.resolve("bin/runsc-metrics") + " "));
        Files.writeString(dir.resolve("runsc-metrics.socket"), read("runsc-metrics.socket"));
        return dir;
    }

    @Test
    void verifyFindsNothingToSay() throws Exception {
        Command.assume("systemd-analyze", "systemd");
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "su");
        try {
            copyForImage(dir);
            Command verify = Command.run("systemd-analyze", "verify", "--man=no",
                    dir.resolve("runsc-metrics.socket").toString(), dir.resolve("runsc-metrics.service").toString());
            assertEquals(0, verify.exitCode(), verify.describe());
            assertEquals("", (verify.out() + verify.err()).strip(), verify.describe());
        } finally {
            ScratchDir.deleteTree(dir);
        }
    }

    @Test
    void serviceExposureIsLow() throws Exception {
        Command.assume("systemd-analyze", "systemd");
        Command security = Command.run("systemd-analyze", "security", "--offline=true", "--no-pager",
                UNITS.resolve("runsc-metrics.service").toString());
        Matcher m = Pattern.compile("Overall exposure level for runsc-metrics.service: ([0-9.]+)").matcher(security.out());
        assertTrue(m.find(), security.describe());
        double exposure = Double.parseDouble(m.group(1));
        assertTrue(exposure <= MAX_EXPOSURE, "exposure " + exposure + " > " + MAX_EXPOSURE + ":\n" + security.out());
    }

    @Test
    void socketAndServiceAgree() throws Exception {
        String socket = read("runsc-metrics.socket");
        String service = read("runsc-metrics.service");
        String defaults = read("runsc-metrics.default");
        String listen = value(socket, "ListenStream");
        assertEquals(listen, value(service, "Environment=RUNSC_METRICS_ADDRESS"), "the service serves another path than the socket's");
        assertEquals("#RUNSC_METRICS_ADDRESS=" + listen, line(defaults, "#RUNSC_METRICS_ADDRESS="));
        assertEquals("0660", value(socket, "SocketMode"));
        assertEquals("runsc-metrics", value(socket, "SocketGroup"), "the group debian/runsc-metrics.postinst creates");
        assertEquals("runsc-metrics.socket", value(service, "Requires"));
        assertEquals("exec", value(service, "Type"));
        assertEquals("CAP_DAC_READ_SEARCH CAP_DAC_OVERRIDE CAP_KILL", value(service, "CapabilityBoundingSet"));
        assertEquals("strict", value(service, "ProtectSystem"));
        assertEquals("yes", value(service, "NoNewPrivileges"));
        assertTrue(!service.contains("\nMemoryDenyWriteExecute=yes"), "the JVM's JIT needs writable code memory");
        Path postinst = ProjectFiles.resolve("debian/runsc-metrics.postinst");
        assertTrue(Files.readString(postinst).contains("addgroup --system --quiet runsc-metrics"), postinst + " creates the group");
    }

    private static String line(String unit, String start) {
        for (String l : unit.split("\n")) {
            if (l.startsWith(start)) {
                return l;
            }
        }
        throw new AssertionError("no line starting with " + start);
    }

    private static String value(String unit, String key) {
        String l = line(unit, key + "=");
        return l.substring(key.length() + 1);
    }
}
