// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import runsc.metrics.exposition.Data;
import runsc.metrics.exposition.LabelMap;
import runsc.metrics.exposition.Metric;
import runsc.metrics.exposition.MetricType;
import runsc.metrics.exposition.NumberValue;
import runsc.metrics.exposition.Snapshot;
import runsc.metrics.regex.RegexMatchLimitException;
import runsc.metrics.runtime.Capability;
import runsc.metrics.runtime.LoadedSandbox;
import runsc.metrics.runtime.Sandbox;

/**
 * The server's own metrics (exposition-server-cli.md §4.6), names and help texts exactly upstream's.
 * Written with the prefix {@code <exporter-prefix>meta_}, except {@code process_start_time_seconds},
 * which has none. Per sandbox, what is emitted depends on the scrape's outcome (the emission matrix):
 * presence and the checkpoint/restore gauges always; metadata, capabilities, spec metadata and
 * creation time only with a verified snapshot.
 */
final class SelfMetrics {
    static final Metric SANDBOX_PRESENCE = gauge("sandbox_presence", "Boolean metric set to 1 for each known sandbox.");
    static final Metric SANDBOX_RUNNING = gauge("sandbox_running", "Boolean metric set to 1 for each running sandbox.");
    static final Metric SANDBOX_CHECKPOINTED = gauge("sandbox_checkpointed", "Boolean metric set to 1 for each checkpointed sandbox.");
    static final Metric SANDBOX_RESTORED = gauge("sandbox_restored", "Boolean metric set to 1 for each restored sandbox.");
    static final Metric CPU_TIME_SAVED = gauge("sandbox_cpu_time_saved_milliseconds", "CPU time saved for each restored sandbox (in milliseconds).");
    static final Metric WALL_TIME_SAVED = gauge("sandbox_wall_time_saved_milliseconds", "Wall time saved for each restored sandbox (in milliseconds).");
    static final Metric SANDBOX_METADATA = gauge("sandbox_metadata", "Key-value pairs about per-sandbox metadata.");
    static final Metric SANDBOX_CAPABILITIES = gauge("sandbox_capabilities", "Linux capabilities added within containers of the sandbox.");
    static final Metric SPEC_METADATA = gauge("spec_metadata", "Key-value pairs about OCI spec metadata.");
    static final Metric CREATION_TIME = gauge("sandbox_creation_time_seconds", "When the sandbox was created, as a unix timestamp in seconds.");
    static final Metric SERVER_PRESENCE = gauge("metric_server_presence", "Boolean metric always set to 1 for the metric server process.");
    static final Metric NUM_RUNNING = gauge("num_sandboxes_running", "Number of sandboxes running at present.");
    static final Metric NUM_BROKEN = gauge("num_sandboxes_broken_metrics", "Number of sandboxes from which we cannot export metrics.");
    static final Metric NUM_TOTAL = counter("num_sandboxes_total", "Counter of sandboxes that have ever been started.");
    static final Metric NUM_CHECKPOINTED = counter("num_sandboxes_checkpointed", "Counter of sandboxes that have been checkpointed.");
    static final Metric NUM_RESTORED = counter("num_sandboxes_restored", "Counter of sandboxes that have been restored.");
    static final Metric PROCESS_START_TIME = gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.");

    private static final NumberValue ZERO = NumberValue.ofInt(0);
    private static final NumberValue ONE = NumberValue.ofInt(1);

    /** The {@code capability} label of each capability, by its number. */
    private static final List<Map<String, String>> CAPABILITY_LABELS = Arrays.stream(Capability.values())
            .map(c -> Map.of("capability", c.trimmedName())).toList();

    private SelfMetrics() {}

    /**
     * What a loaded sandbox's own rows hold besides its identity, made once when it is loaded
     * rather than at every scrape (its state files are not read again): label maps the data
     * points take without copying them.
     *
     * @param metadata       the {@code sandbox_metadata} labels
     * @param capabilities   the capabilities of all its containers, in number order
     * @param specMetadata   the {@code spec_metadata} labels
     * @param creationTime   the value of {@code sandbox_creation_time_seconds}
     */
    record SandboxRows(Map<String, String> metadata, List<Capability> capabilities, Map<String, String> specMetadata,
                       NumberValue creationTime) {
        static SandboxRows of(LoadedSandbox loaded) {
            return new SandboxRows(LabelMap.copyOf(loaded.sandbox().metricMetadata(), "metadata"), loaded.capabilities(),
                    LabelMap.copyOf(loaded.specMetadata().labels(), "spec metadata"),
                    NumberValue.ofFloat(loaded.creationTimeSeconds()));
        }
    }

    private static Metric gauge(String name, String help) {
        return new Metric(name, MetricType.GAUGE, help);
    }

    private static Metric counter(String name, String help) {
        return new Metric(name, MetricType.COUNTER, help);
    }

    /**
     * Builds the self snapshot: per-sandbox rows in sandbox ID order, then the server-level rows.
     *
     * @param results          this scrape's results, sorted by sandbox ID
     * @param numTotal         sandboxes taken on since start
     * @param capabilityFilter keeps only matching {@code sandbox_capabilities} lines; matched in advance
     *                         ({@link RequestFilters#capabilities}), so each name is matched once per request
     * @param when             the snapshot time
     * @param zone             the server's time zone (upstream prints local time)
     * @param monotonicNanos   nanoseconds since the process started, for Go's {@code m=+} suffix
     * @return the snapshot
     * @throws RegexMatchLimitException if the capability filter runs past its time budget on a name not matched in advance
     */
    static Snapshot selfSnapshot(List<SandboxResult> results, long numTotal, FilterMatcher capabilityFilter,
                                 Instant when, ZoneId zone, long monotonicNanos) throws RegexMatchLimitException {
        List<Data> data = new ArrayList<>(results.size() * 12 + 6);
        int running = 0;
        int broken = 0;
        int checkpointed = 0;
        int restored = 0;
        for (SandboxResult r : results) {
            Map<String, String> identity = r.sandbox().identityLabels();
            LoadedSandbox loaded = r.sandbox().loaded();
            Sandbox sandbox = loaded.sandbox();
            boolean isRestored = sandbox.restored();
            add(data, SANDBOX_PRESENCE, Map.of(), identity, ONE);
            add(data, SANDBOX_RUNNING, Map.of(), identity, bool(r.running()));
            add(data, SANDBOX_CHECKPOINTED, Map.of(), identity, bool(sandbox.checkpointed()));
            add(data, SANDBOX_RESTORED, Map.of(), identity, bool(isRestored));
            add(data, CPU_TIME_SAVED, Map.of(), identity, NumberValue.ofInt(isRestored ? r.sandbox().cpuTimeSavedMillis() : 0));
            add(data, WALL_TIME_SAVED, Map.of(), identity, NumberValue.ofInt(isRestored ? r.sandbox().wallTimeSavedMillis() : 0));
            if (r.running()) {
                running++;
            }
            checkpointed += sandbox.checkpointed() ? 1 : 0;
            restored += isRestored ? 1 : 0;
            switch (r) {
                case SandboxResult.Ok ok -> {
                    SandboxRows rows = r.sandbox().selfRows();
                    add(data, SANDBOX_METADATA, rows.metadata(), identity, ONE);
                    for (Capability c : rows.capabilities()) {
                        if (capabilityFilter.matches(c.specName()) || capabilityFilter.matches(c.trimmedName())) {
                            add(data, SANDBOX_CAPABILITIES, CAPABILITY_LABELS.get(c.ordinal()), identity, ONE);
                        }
                    }
                    add(data, SPEC_METADATA, rows.specMetadata(), identity, ONE);
                    add(data, CREATION_TIME, Map.of(), identity, rows.creationTime());
                }
                case SandboxResult.Failed failed -> {
                    if (failed.running()) {
                        broken++;
                    }
                }
            }
        }
        add(data, SERVER_PRESENCE, Map.of(), Map.of(), ONE);
        add(data, NUM_RUNNING, Map.of(), Map.of(), NumberValue.ofInt(running));
        add(data, NUM_BROKEN, Map.of(), Map.of(), NumberValue.ofInt(broken));
        add(data, NUM_TOTAL, Map.of(), Map.of(), NumberValue.ofInt(numTotal));
        add(data, NUM_CHECKPOINTED, Map.of(), Map.of(), NumberValue.ofInt(checkpointed));
        add(data, NUM_RESTORED, Map.of(), Map.of(), NumberValue.ofInt(restored));
        return new Snapshot(when, data, zone, OptionalLong.of(monotonicNanos));
    }

    /**
     * The snapshot holding {@code process_start_time_seconds} (written without prefix).
     *
     * @param startSeconds   the server's start time in epoch seconds
     * @param when           the snapshot time
     * @param zone           the server's time zone
     * @param monotonicNanos nanoseconds since the process started
     * @return the snapshot
     */
    static Snapshot processSnapshot(double startSeconds, Instant when, ZoneId zone, long monotonicNanos) {
        List<Data> data = List.of(Data.ofNumber(PROCESS_START_TIME, Map.of(), NumberValue.ofFloat(startSeconds)));
        return new Snapshot(when, data, zone, OptionalLong.of(monotonicNanos));
    }

    private static void add(List<Data> data, Metric metric, Map<String, String> labels, Map<String, String> identity,
                            NumberValue value) {
        data.add(new Data(metric, labels, identity, value, null));
    }

    private static NumberValue bool(boolean b) {
        return b ? ONE : ZERO;
    }
}
