// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.sim;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * How to simulate one sandbox.
 *
 * @param id                  the sandbox ID (also its root container ID); runsc's ID rule
 *                            {@code ^[\w+.-]+$} applies
 * @param podName             the pod name, or "" for none (then no pod annotations are written)
 * @param namespace           the namespace, or "" for none
 * @param metricServerAddress the {@code --metric-server} value recorded in the state file (a metric
 *                            server only serves sandboxes whose address equals its own)
 * @param fillerSeries        extra counters {@code sim_filler_NNN}, one series each, on top of the
 *                            catalogue's eleven or so series
 * @param fault               how the sandbox misbehaves
 * @param seed                seed of the value generator, so that runs repeat
 * @param replyScript        replies to {@code Metrics.Export} in place of the catalogue, or null
 * @param histogram           register and sample a histogram as well; off by default, because real
 *                            gVisor 20240729 registers no distribution metric and a sampled histogram
 *                            needs an infinite bucket bound, which Go's JSON can neither write nor
 *                            read, so real {@code runsc export-metrics} fails on it
 * @param statsLimits         answer {@code containerManager.Event} with a memory limit, highest use,
 *                            fail count and page cache and a pids limit, as a runsc that fills them in
 *                            would; off by default, because gVisor 20240729 sends none of them
 */
public record SandboxOptions(String id, String podName, String namespace, String metricServerAddress,
                             int fillerSeries, Fault fault, long seed, ReplyScript replyScript,
                             boolean histogram, boolean statsLimits) {

    private static final Pattern ID = Pattern.compile("[\\w+.-]+");

    /** Checks the ID and the filler count. */
    public SandboxOptions {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("invalid sandbox ID '" + id + "': must match ^[\\w+.-]+$");
        }
        Objects.requireNonNull(podName, "podName");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(metricServerAddress, "metricServerAddress");
        Objects.requireNonNull(fault, "fault");
        if (fillerSeries < 0) {
            throw new IllegalArgumentException("filler series must be >= 0, was " + fillerSeries);
        }
    }

    /**
     * {@return a healthy sandbox without pod, filler or script, seeded from its ID}
     *
     * @param id                  the sandbox ID
     * @param metricServerAddress the recorded metric server address
     */
    public static SandboxOptions of(String id, String metricServerAddress) {
        return new SandboxOptions(id, "", "", metricServerAddress, 0, Fault.NONE, id.hashCode(), null, false, false);
    }

    /**
     * {@return these options with a pod name and namespace}
     *
     * @param pod       the pod name
     * @param namespace the namespace
     */
    public SandboxOptions withPod(String pod, String namespace) {
        return with(c -> {
            c.podName = pod;
            c.namespace = namespace;
        });
    }

    /**
     * {@return these options with {@code n} filler series}
     *
     * @param n the number of filler counters
     */
    public SandboxOptions withFillerSeries(int n) {
        return with(c -> c.fillerSeries = n);
    }

    /**
     * {@return these options with a fault}
     *
     * @param f the fault
     */
    public SandboxOptions withFault(Fault f) {
        return with(c -> c.fault = f);
    }

    /**
     * {@return these options with a generator seed}
     *
     * @param s the seed
     */
    public SandboxOptions withSeed(long s) {
        return with(c -> c.seed = s);
    }

    /**
     * {@return these options with a script for {@code Metrics.Export}}
     *
     * @param script the script
     */
    public SandboxOptions withReplyScript(ReplyScript script) {
        Objects.requireNonNull(script, "script");
        return with(c -> c.replyScript = script);
    }

    /** {@return these options with the histogram registered and sampled (see {@code histogram})} */
    public SandboxOptions withHistogram() {
        return with(c -> c.histogram = true);
    }

    /** {@return these options with the stats a runsc with limits would send (see {@code statsLimits})} */
    public SandboxOptions withStatsLimits() {
        return with(c -> c.statsLimits = true);
    }

    /** {@return a copy of these options, changed by {@code change} and checked again} */
    private SandboxOptions with(Consumer<Copy> change) {
        Copy c = new Copy(this);
        change.accept(c);
        return c.build();
    }

    /**
     * A changeable copy of the components, so that each wither names the ones it changes instead of
     * passing all ten in order (where two booleans or two strings could trade places unnoticed).
     */
    private static final class Copy {
        private final String id;
        private String podName;
        private String namespace;
        private final String metricServerAddress;
        private int fillerSeries;
        private Fault fault;
        private long seed;
        private ReplyScript replyScript;
        private boolean histogram;
        private boolean statsLimits;

        private Copy(SandboxOptions o) {
            id = o.id;
            podName = o.podName;
            namespace = o.namespace;
            metricServerAddress = o.metricServerAddress;
            fillerSeries = o.fillerSeries;
            fault = o.fault;
            seed = o.seed;
            replyScript = o.replyScript;
            histogram = o.histogram;
            statsLimits = o.statsLimits;
        }

        private SandboxOptions build() {
            return new SandboxOptions(id, podName, namespace, metricServerAddress, fillerSeries, fault, seed,
                    replyScript, histogram, statsLimits);
        }
    }
}
