// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import runsc.metrics.control.ControlClient;
import runsc.metrics.exposition.MetricRegistration;
import runsc.metrics.exposition.Verifier;
import runsc.metrics.json.JsonNull;
import runsc.metrics.runtime.ContainerStatus;
import runsc.metrics.runtime.FileStat;
import runsc.metrics.runtime.FullId;
import runsc.metrics.runtime.LoadedSandbox;
import runsc.metrics.runtime.MetricServerAddress;
import runsc.metrics.runtime.ReadOutcome;
import runsc.metrics.runtime.RuntimeRoot;
import runsc.metrics.runtime.SandboxLoader;
import runsc.metrics.runtime.SandboxOutcome;
import runsc.metrics.runtime.StateFileException;
import runsc.metrics.server.config.ServerConfig;

/**
 * Which sandboxes this server serves, found by polling the root directory (sandboxes never register).
 *
 * <p>One {@link #refresh()} follows upstream (sandbox-protocol.md §4.2): known sandboxes that vanished,
 * fail to load or whose process is gone are dropped; new sandbox IDs are stat'ed, skipped silently if
 * their state file is unchanged since they were last rejected, read under a try-lock, and taken on
 * only if they name this server's address and (when they say they are running) their process is
 * alive ({@link SandboxLiveness}: upstream's {@code kill(pid, 0)}, and the control socket where the
 * PID does not exist here). Deliberate difference: lock contention anywhere, even on a subcontainer
 * during the first load, means "retry next cycle" and records nothing. Runs on every scrape and every
 * 20 s, under one lock; a refresh lists the root once and reads only the state files of new or
 * changed sandboxes.
 *
 * <p>For every root state file in the root it keeps a {@link SeenStateFile}: served, or why not. The
 * debug log gets a line when that verdict changes, never once per refresh; problems that are not one
 * sandbox's (the root cannot be listed) go to the notices, also once per change. The records live as
 * long as their files, so memory follows the root's size (10 000 state files hold about 2 MB), and a
 * refresh replaces only the records whose verdict changed.
 */
final class SandboxDiscovery {
    private final ServerConfig config;
    private final RuntimeRoot root;
    private final SandboxLoader loader;
    private final SandboxLiveness liveness;
    private final Clock clock;
    private final Consumer<String> log;
    private final Consumer<String> notices;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, ServedSandbox> served = new HashMap<>();
    private final Map<String, FileStat> rejected = new HashMap<>();
    private final Map<String, SeenStateFile> seen = new HashMap<>();
    private String rootProblem = "";
    private boolean pidsInvisibleNoted;
    // Written under the lock, read without it: a refresh that takes long must not hold up the
    // self metrics, the heap check or shutdown, which only want the latest values.
    private volatile long numSandboxesTotal;
    private volatile int servedCount;
    private volatile List<ServedSandbox> servedNow = List.of();
    private volatile boolean shuttingDown;
    private volatile List<SeenStateFile> seenList = List.of();

    SandboxDiscovery(ServerConfig config, Clock clock, Consumer<String> log) {
        this(config, clock, log, log);
    }

    /**
     * A discovery of {@code config.root()}.
     *
     * @param config  the server's settings
     * @param clock   the verifiers' clock
     * @param log     the debug log: every change of a state file's verdict
     * @param notices problems that are not one sandbox's, printed whether or not debugging is on
     */
    SandboxDiscovery(ServerConfig config, Clock clock, Consumer<String> log, Consumer<String> notices) {
        this.config = config;
        this.root = new RuntimeRoot(config.root());
        this.loader = new SandboxLoader(root);
        this.liveness = new SandboxLiveness(config.root(), new ControlClient());
        this.clock = clock;
        this.log = log;
        this.notices = notices;
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
     * What the last refresh made of each root state file in the root, by file name; read without
     * waiting for a refresh in progress.
     *
     * @return one immutable record per state file, served or not, sorted by file name
     */
    List<SeenStateFile> seen() {
        return seenList;
    }

    /**
     * How many times discovery has listed the root: once per refresh, however many sandboxes are
     * new, since a listing reads the whole directory.
     *
     * @return the listings so far
     */
    long rootListings() {
        return root.listings();
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
        // One listing per refresh, for every sandbox: listing the root again for each new sandbox
        // made discovery grow with the square of the sandboxes (minutes at 5 000).
        SortedMap<String, List<FullId>> containers = listRoot();
        Set<String> ids = containers.keySet();
        boolean changed = seen.keySet().retainAll(ids);
        for (ServedSandbox s : List.copyOf(served.values())) {
            if (!ids.contains(s.id())) {
                drop(s, "no longer exists");
                continue;
            }
            LoadResult result = load(s, containers.get(s.id()));
            if (result instanceof LoadResult.Failed failed) {
                drop(s, "cannot be loaded: " + failed.error().getMessage());
                changed |= note(s.id(), s.loaded() == null ? "" : s.loaded().sandbox().metricServerAddress(),
                        SeenStateFile.Status.NOT_SERVABLE, failed.error().getMessage(), null);
            } else if (result instanceof LoadResult.Ok) {
                SandboxLiveness.Verdict alive = liveness.check(s.loaded().sandbox());
                s.runningBySocket(alive.running() && alive.bySocket());
                if (!alive.running()) {
                    drop(s, "is no longer running");
                    changed |= note(s.id(), s.loaded().sandbox().metricServerAddress(),
                            SeenStateFile.Status.PROCESS_GONE, alive.reason(), null);
                } else if (alive.bySocket()) {
                    notePidsInvisible();
                }
            }
        }
        Set<String> fresh = new java.util.HashSet<>(ids);
        fresh.removeAll(served.keySet());
        rejected.keySet().retainAll(fresh);
        for (String sid : fresh) {
            changed |= consider(sid, containers.get(sid));
        }
        if (changed) {
            List<SeenStateFile> list = new ArrayList<>(seen.values());
            list.sort(Comparator.comparing(SeenStateFile::fileName));
            seenList = List.copyOf(list);
        }
    }

    /**
     * Lists the root once: each sandbox ID with its containers. A failure is a notice (once until it
     * changes) and an empty root.
     */
    private SortedMap<String, List<FullId>> listRoot() {
        SortedMap<String, List<FullId>> ids;
        String problem;
        try {
            ids = RuntimeRoot.bySandbox(root.listContainers());
            problem = "";
        } catch (IOException e) {
            ids = Collections.emptySortedMap();
            problem = "cannot list the root directory \"" + config.rootText() + "\": " + e.getMessage()
                    + "; serving no sandboxes until it can";
        }
        if (!problem.equals(rootProblem)) {
            rootProblem = problem;
            notices.accept(problem.isEmpty() ? "the root directory \"" + config.rootText() + "\" can be listed again"
                    : problem);
        }
        return ids;
    }

    private void notePidsInvisible() {
        if (!pidsInvisibleNoted) {
            pidsInvisibleNoted = true;
            notices.accept("sandbox PIDs do not exist here (another PID namespace, such as inside a gVisor sandbox):"
                    + " a sandbox counts as running while its control socket accepts connections");
        }
    }

    /**
     * Records a state file's verdict; if it differs from the last one, logs {@code line} (or, if
     * null, nothing: the caller has said it).
     *
     * @return whether the record changed
     */
    private boolean note(String sid, String address, SeenStateFile.Status status, String reason, String line) {
        SeenStateFile now = new SeenStateFile(FullId.root(sid).stateFileName(), sid, address, status, reason);
        SeenStateFile before = seen.put(sid, now);
        if (now.equals(before)) {
            return false;
        }
        if (line != null) {
            log.accept(line);
        }
        return true;
    }

    private boolean consider(String sid, List<FullId> containers) {
        FullId id = FullId.root(sid);
        FileStat stat;
        try {
            stat = root.statStateFile(id);
        } catch (IOException e) {
            String reason = "cannot stat state file: " + e.getMessage();
            return note(sid, "", SeenStateFile.Status.UNREADABLE, reason,
                    "cannot stat state file of sandbox " + sid + ": " + e.getMessage());
        }
        FileStat before = rejected.remove(sid);
        if (before != null && before.sufficientlyEqual(stat)) {
            rejected.put(sid, before);
            return false;
        }
        switch (loader.loadRoot(sid)) {
            case ReadOutcome.Locked locked -> {
                return note(sid, "", SeenStateFile.Status.LOCKED,
                        "state file locked by another process; retried on every refresh",
                        "not serving sandbox " + sid
                                + " yet: its state file is locked by another process; retrying on every refresh");
            }
            case ReadOutcome.Gone gone -> {
                return seen.remove(sid) != null;
            }
            case ReadOutcome.Failed failed -> {
                String message = failed.error().getMessage();
                SeenStateFile.Status status = unreadable(failed.error())
                        ? SeenStateFile.Status.UNREADABLE : SeenStateFile.Status.MALFORMED;
                return note(sid, "", status, message, "cannot read sandbox " + sid + ": " + message);
            }
            case ReadOutcome.Loaded loaded -> {
                return considerLoaded(sid, stat, loaded, containers);
            }
        }
    }

    private boolean considerLoaded(String sid, FileStat stat, ReadOutcome.Loaded loaded, List<FullId> containers) {
        var sandbox = loaded.state().sandbox();
        String recorded = sandbox.metricServerAddress();
        if (!MetricServerAddress.matches(recorded, config.address(), config.rootText())) {
            rejected.put(sid, stat);
            String reason = recorded.isEmpty()
                    ? "it records no --metric-server address (started without --metric-server), this server's is \""
                            + config.address() + "\""
                    : "it records --metric-server \"" + recorded + "\", this server's is \"" + config.address() + "\"";
            return note(sid, recorded, SeenStateFile.Status.ADDRESS_DIFFERS, reason,
                    "not serving sandbox " + sid + ": " + reason);
        }
        boolean bySocket = false;
        if (loaded.state().status() == ContainerStatus.RUNNING) {
            SandboxLiveness.Verdict alive = liveness.check(sandbox);
            if (!alive.running()) {
                rejected.put(sid, stat);
                return note(sid, recorded, SeenStateFile.Status.PROCESS_GONE, alive.reason(),
                        "not serving sandbox " + sid + ": it says running, but " + alive.reason());
            }
            bySocket = alive.bySocket();
        }
        ServedSandbox s = new ServedSandbox(sid);
        switch (load(s, containers)) {
            case LoadResult.Ok ok -> {
                numSandboxesTotal++;
                served.put(sid, s);
                s.runningBySocket(bySocket);
                if (bySocket) {
                    notePidsInvisible();
                }
                return note(sid, recorded, SeenStateFile.Status.SERVED, bySocket
                        ? "served (its process is not visible here; its control socket answers)" : "served",
                        "serving sandbox " + sid);
            }
            // Retried next cycle, so counted then: counting now would count it once per try.
            case LoadResult.Locked again -> {
                return note(sid, recorded, SeenStateFile.Status.LOCKED,
                        "a state file of the sandbox is locked by another process; retried on every refresh",
                        "not serving sandbox " + sid
                                + " yet: a state file is locked by another process; retrying on every refresh");
            }
            case LoadResult.Failed failed -> {
                // Counted although it fails, as upstream (it counts before loading).
                numSandboxesTotal++;
                rejected.put(sid, stat);
                String message = failed.error().getMessage();
                return note(sid, recorded, SeenStateFile.Status.NOT_SERVABLE, message,
                        "not serving sandbox " + sid + ": " + message);
            }
        }
    }

    /**
     * Tells a file that cannot be opened or read from one whose contents are wrong: the reader
     * reports both as a {@link StateFileException} (or, for the lock file, a plain
     * {@link IOException}), and only the problem's wording tells them apart.
     */
    static boolean unreadable(IOException error) {
        if (!(error instanceof StateFileException e)) {
            return true;
        }
        String problem = String.valueOf(e.getMessage()).substring(("state file " + e.file() + ": ").length());
        return problem.startsWith("cannot open") || problem.startsWith("cannot read") || problem.startsWith("not a regular file");
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

    /**
     * Loads the sandbox's state files and builds its verifier, each only once.
     *
     * @param s          the sandbox
     * @param containers its containers as this refresh listed them
     */
    LoadResult load(ServedSandbox s, List<FullId> containers) {
        if (s.loaded() == null) {
            switch (loader.loadSandbox(s.id(), containers)) {
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
