// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.sim;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Many simulated sandboxes in one root directory and one process, until {@link #close()}, which
 * stops them all and removes their files (the root directory itself is left).
 */
public final class Simulation implements AutoCloseable {
    private final Path root;
    private final List<SimulatedSandbox> sandboxes;

    private Simulation(Path root, List<SimulatedSandbox> sandboxes) {
        this.root = root;
        this.sandboxes = List.copyOf(sandboxes);
    }

    /**
     * Starts one sandbox per options entry. If one fails to start, the ones already started are
     * closed again.
     *
     * @param root    the runsc root directory (created if missing)
     * @param options the sandboxes; IDs must be distinct
     * @return the running simulation
     * @throws IOException if a sandbox cannot be started
     */
    public static Simulation start(Path root, List<SandboxOptions> options) throws IOException {
        if (options.stream().map(SandboxOptions::id).distinct().count() != options.size()) {
            throw new IllegalArgumentException("sandbox IDs must be distinct");
        }
        List<SimulatedSandbox> started = new ArrayList<>(options.size());
        try {
            for (SandboxOptions o : options) {
                started.add(SimulatedSandbox.start(root, o));
            }
        } catch (IOException | RuntimeException e) {
            for (SimulatedSandbox s : started) {
                try {
                    s.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        return new Simulation(root.toAbsolutePath(), started);
    }

    /**
     * Options for {@code count} sandboxes named {@code <prefix>1 .. <prefix>count}, each with pod
     * {@code pod-<i>} in {@code namespace} when a namespace is given, {@code fillerSeries} filler
     * counters, seed i, and the fault {@code faults} names for its ID (else none).
     *
     * @param count               number of sandboxes
     * @param prefix              ID prefix, such as {@code sim-}
     * @param metricServerAddress the address recorded in every state file
     * @param namespace           a namespace for all, or "" for no pod labels
     * @param fillerSeries        filler counters per sandbox
     * @param faults              faults by sandbox ID
     * @return the options, in ID order
     */
    public static List<SandboxOptions> options(int count, String prefix, String metricServerAddress,
                                               String namespace, int fillerSeries, Map<String, Fault> faults) {
        List<SandboxOptions> out = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            String id = prefix + i;
            SandboxOptions o = SandboxOptions.of(id, metricServerAddress).withFillerSeries(fillerSeries)
                    .withSeed(i).withFault(faults.getOrDefault(id, Fault.NONE));
            out.add(namespace.isEmpty() ? o : o.withPod("pod-" + i, namespace));
        }
        return out;
    }

    /** {@return the root directory} */
    public Path root() {
        return root;
    }

    /** {@return the sandboxes in start order} */
    public List<SimulatedSandbox> sandboxes() {
        return sandboxes;
    }

    /**
     * {@return the sandbox with this ID, if any}
     *
     * @param id the sandbox ID
     */
    public Optional<SimulatedSandbox> sandbox(String id) {
        return sandboxes.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /** Stops every sandbox and removes its files; reports the first failure after trying all. */
    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (SimulatedSandbox s : sandboxes) {
            try {
                s.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
