// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.ToolProvider;
import runsc.metrics.testing.RealRoot;
import runsc.metrics.testing.RealRunsc;
import runsc.metrics.testing.RealSandbox;
import runsc.metrics.testing.SandboxSpec;

/**
 * Issue 4: wall time of {@code runsc-metrics export-metrics ID} on one real sandbox, side by side
 * with {@code runsc export-metrics ID} on the same sandbox and with the image's JVM running an
 * empty main (the floor). Each round runs the three commands once, in a rotating order, so that
 * load from other work on the machine hits all three alike. Args: ROUNDS (default 20).
 */
public final class ExportWallTime {
    private ExportWallTime() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path image = Path.of(System.getProperty("bench.image", "build/image"));
        Path runsc = RealRunsc.binary().orElseThrow(() -> new IllegalStateException("no runsc binary"));
        Path helloDir = Files.createTempDirectory("hello");
        Files.writeString(helloDir.resolve("Hello.java"),
                "public class Hello { public static void main(String[] a) { System.out.println(\"Hello World\"); } }\n");
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "25", "-d",
                helloDir.toString(), helloDir.resolve("Hello.java").toString());
        if (rc != 0) {
            throw new IllegalStateException("javac Hello failed");
        }
        boolean aot = Files.exists(image.resolve("lib/runsc-metrics.aot"));
        try (RealRoot root = RealRoot.create()) {
            RealSandbox sandbox = root.start(SandboxSpec.pod("bench1", "web-0", "prod"));
            String r = "--root=" + root.path();
            List<List<String>> commands = List.of(
                    List.of(image.resolve("bin/runsc-metrics").toString(), r, "export-metrics", sandbox.id()),
                    List.of(runsc.toString(), r, "export-metrics", sandbox.id()),
                    List.of(image.resolve("bin/java").toString(), "-cp", helloDir.toString(), "Hello"));
            List<String> names = List.of("runsc-metrics export-metrics", "runsc export-metrics", "image java Hello (floor)");
            String ours = run(commands.get(0), true);
            String theirs = run(commands.get(1), true);
            System.out.println("# runsc-metrics output: " + ours.lines().count() + " lines, " + ours.length()
                    + " chars; runsc output: " + theirs.lines().count() + " lines");
            for (int w = 0; w < 2; w++) {  // warm the page cache
                for (List<String> c : commands) {
                    time(c);
                }
            }
            List<List<Long>> samples = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < 3; k++) {
                    int c = (round + k) % 3;
                    samples.get(c).add(time(commands.get(c)));
                }
            }
            System.out.println("# export-metrics wall time, " + rounds + " interleaved rounds, AOT cache "
                    + (aot ? "present" : "absent") + " (" + image.resolve("lib/runsc-metrics.aot") + ")");
            System.out.println("# " + Stats.loadAverage());
            double[] med = new double[3];
            for (int c = 0; c < 3; c++) {
                long[] s = Stats.toArray(samples.get(c));
                med[c] = Stats.medianMillis(s);
                System.out.printf("%-30s median %s  min %s  p90 %s%n", names.get(c), Stats.ms(med[c]),
                        Stats.ms(Stats.percentileMillis(s, 0)), Stats.ms(Stats.percentileMillis(s, 90)));
            }
            System.out.println("ratio ours/runsc  " + Stats.ratio(med[0], med[1]) + " (target <= 2x): "
                    + (med[0] <= 2 * med[1] ? "met" : "missed"));
            System.out.println("ratio ours/floor  " + Stats.ratio(med[0], med[2]) + " (target <= 1.3x): "
                    + (med[0] <= 1.3 * med[2] ? "met" : "missed"));
        } finally {
            try (var s = Files.list(helloDir)) {
                for (Path p : s.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(helloDir);
        }
    }

    private static long time(List<String> command) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(command + " took over 60 s");
        }
        long t = System.nanoTime() - t0;
        if (p.exitValue() != 0) {
            throw new IOException(command + " exited with " + p.exitValue());
        }
        return t;
    }

    private static String run(List<String> command, boolean check) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || (check && p.exitValue() != 0)) {
            throw new IOException(command + " failed");
        }
        return out;
    }
}
