// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import runsc.metrics.exposition.MetricRegistration;
import runsc.metrics.exposition.Verifier;
import runsc.metrics.json.JsonNull;
import runsc.metrics.runtime.ContainerStatus;
import runsc.metrics.runtime.FileStat;
import runsc.metrics.runtime.FullId;
import runsc.metrics.runtime.Liveness;
import runsc.metrics.runtime.LoadedSandbox;
import runsc.metrics.runtime.MetricServerAddress;
import runsc.metrics.runtime.ReadOutcome;
import runsc.metrics.runtime.RuntimeRoot;
import runsc.metrics.runtime.SandboxLoader;
import runsc.metrics.runtime.SandboxOutcome;
import runsc.metrics.server.config.ServerConfig;

/**
 * Which sandboxes this server serves, found by polling the root directory (sandboxes never register).
 *
 * <p>One {@link #refresh()} follows upstream (sandbox-protocol.md §4.2): known sandboxes that vanished,
 * fail to load or whose process is gone are dropped; new sandbox IDs are stat'ed, skipped silently if
 * their state file is unchanged since they were last rejected, read under a try-lock, and taken on
 * only if they name this server's address and (when they say they are running) their process is
 * alive. Deliberate difference: lock contention anywhere, even on a subcontainer during the first
 * load, means "retry next cycle" and records nothing. Runs on every scrape and every 20 s, under one
 * lock; a refresh reads at most one state file per new or changed sandbox.
 */
final class SandboxDiscovery {
    private final ServerConfig config;
    private final RuntimeRoot root;
    private final SandboxLoader loader;
    private final Clock clock;
    private final Consumer<String> log;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, ServedSandbox> served = new HashMap<>();
    private final Map<String, FileStat> rejected = new HashMap<>();
    // Written under the lock, read without it: a refresh that takes long must not hold up the
    // self metrics, the heap check or shutdown, which only want the latest values.
    private volatile long numSandboxesTotal;
    private volatile int servedCount;
    private volatile List<ServedSandbox> servedNow = List.of();
    private volatile boolean shuttingDown;

    SandboxDiscovery(ServerConfig config, Clock clock, Consumer<String> log) {
        this.config = config;
        this.root = new RuntimeRoot(config.root());
        this.loader = new SandboxLoader(root);
        this.clock = clock;
        this.log = log;
    }

    /** How many sandboxes have been taken on since start (never decremented, as upstream). */
    long numSandboxesTotal() {
        return numSandboxesTotal;
    }

    /** The sandboxes served as of the latest refresh, sorted by ID; never waits for a refresh. */
    List<ServedSandbox> servedNow() {
        return servedNow;
    }

    /** How many sandboxes are served now. */
    int servedCount() {
        return servedCount;
    }

    /**
     * Stops refreshing for good: the server is shutting down. Never waits for a refresh in
     * progress, so shutdown is not held up by whatever discovery is doing; a refresh that has
     * started finishes, and later ones change nothing.
     */
    void shutDown() {
        shuttingDown = true;
    }

    /**
     * Refreshes and returns the sandboxes to query, sorted by ID.
     *
     * @return the served sandboxes after the refresh
     */
    List<ServedSandbox> refresh() {
        lock.lock();
        try {
            if (!shuttingDown) {
                refreshLocked();
                servedCount = served.size();
            }
            List<ServedSandbox> list = new ArrayList<>(served.values());
            list.sort(Comparator.comparing(ServedSandbox::id));
            servedNow = List.copyOf(list);
            return list;
        } finally {
            lock.unlock();
        }
    }

    private void refreshLocked() {
        SortedSet<String> ids = root.listSandboxesOrEmpty();
        for (ServedSandbox s : List.copyOf(served.values())) {
            if (!ids.contains(s.id())) {
                drop(s, "no longer exists");
                continue;
            }
            LoadResult result = load(s);
            if (result instanceof LoadResult.Failed failed) {
                drop(s, "cannot be loaded: " + failed.error().getMessage());
            } else if (result instanceof LoadResult.Ok && !Liveness.isRunning(s.loaded().sandbox().pid())) {
                drop(s, "is no longer running");
            }
        }
        Set<String> fresh = new java.util.HashSet<>(ids);
        fresh.removeAll(served.keySet());
        rejected.keySet().retainAll(fresh);
        for (String sid : fresh) {
            consider(sid);
        }
    }

    private void consider(String sid) {
        FullId id = FullId.root(sid);
        FileStat stat;
        try {
            stat = root.statStateFile(id);
        } catch (IOException e) {
            log.accept("cannot stat state file of sandbox " + sid + ": " + e.getMessage());
            return;
        }
        FileStat before = rejected.remove(sid);
        if (before != null && before.sufficientlyEqual(stat)) {
            rejected.put(sid, before);
            return;
        }
        switch (loader.loadRoot(sid)) {
            case ReadOutcome.Locked locked -> { }
            case ReadOutcome.Gone gone -> { }
            case ReadOutcome.Failed failed -> log.accept("cannot read sandbox " + sid + ": " + failed.error().getMessage());
            case ReadOutcome.Loaded loaded -> {
                var sandbox = loaded.state().sandbox();
                if (!MetricServerAddress.matches(sandbox.metricServerAddress(), config.address(), config.rootText())) {
                    rejected.put(sid, stat);
                    return;
                }
                if (loaded.state().status() == ContainerStatus.RUNNING && !Liveness.isRunning(sandbox.pid())) {
                    rejected.put(sid, stat);
                    return;
                }
                ServedSandbox s = new ServedSandbox(sid);
                switch (load(s)) {
                    case LoadResult.Ok ok -> {
                        numSandboxesTotal++;
                        served.put(sid, s);
                        log.accept("serving sandbox " + sid);
                    }
                    // Retried next cycle, so counted then: counting now would count it once per try.
                    case LoadResult.Locked again -> { }
                    case LoadResult.Failed failed -> {
                        // Counted although it fails, as upstream (it counts before loading).
                        numSandboxesTotal++;
                        log.accept("not serving sandbox " + sid + ": " + failed.error().getMessage());
                        rejected.put(sid, stat);
                    }
                }
            }
        }
    }

    private void drop(ServedSandbox s, String why) {
        served.remove(s.id());
        log.accept("sandbox " + s.id() + " " + why + "; no longer serving it");
    }

    /** The outcome of loading a served sandbox's state and verifier. */
    sealed interface LoadResult {
        /** Loaded (now or before). */
        record Ok() implements LoadResult {}

        /** A state file was locked: try again next cycle. */
        record Locked() implements LoadResult {}

        /** It cannot be served. */
        record Failed(IOException error) implements LoadResult {}
    }

    /** Loads the sandbox's state files and builds its verifier, each only once. */
    LoadResult load(ServedSandbox s) {
        if (s.loaded() == null) {
            switch (loader.loadSandbox(s.id())) {
                case SandboxOutcome.Locked locked -> {
                    return new LoadResult.Locked();
                }
                case SandboxOutcome.Failed failed -> {
                    return new LoadResult.Failed(failed.error());
                }
                case SandboxOutcome.Loaded loaded -> {
                    LoadedSandbox sandbox = loaded.sandbox();
                    String address = sandbox.sandbox().metricServerAddress();
                    if (address.isEmpty()) {
                        return new LoadResult.Failed(new IOException("sandbox did not request instrumentation"));
                    }
                    if (!MetricServerAddress.matches(address, config.address(), config.rootText())) {
                        return new LoadResult.Failed(new IOException("sandbox is instrumented for metric server "
                                + address + ", not this one (" + config.address() + ")"));
                    }
                    s.loaded(sandbox);
                }
            }
        }
        if (s.verifier() == null) {
            var registration = s.loaded().sandbox().registeredMetrics();
            if (registration == null || registration instanceof JsonNull) {
                return new LoadResult.Failed(new IOException("sandbox did not request instrumentation when it was created"));
            }
            try {
                s.verifier(Verifier.create(MetricRegistration.fromJson(registration), clock));
                // The verifier holds what the registration says; its JSON would cost ~50 KB per sandbox.
                s.loaded(s.loaded().withoutRegisteredMetrics());
            } catch (IOException e) {
                return new LoadResult.Failed(new IOException("invalid metric registration: " + e.getMessage(), e));
            }
        }
        return new LoadResult.Ok();
    }
}
