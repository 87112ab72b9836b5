// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;

/**
 * A runsc root directory ({@code --root}): lists the containers and sandboxes whose state files
 * it holds, and names their state and lock files.
 *
 * <p>runsc lists with a glob, which turns a missing or unreadable directory into an empty list.
 * These methods report the failure instead; the server's refresh turns it into an empty root
 * and a notice, the start-up check of {@code metric-server} and the command line into an error.
 */
public final class RuntimeRoot {
    private final Path dir;
    // Each listing reads the whole directory, three entries per sandbox: a caller that lists once
    // per sandbox costs time that grows with the square of the sandboxes (see listings()).
    private final LongAdder listings = new LongAdder();

    /**
     * Creates a root over a directory; nothing is read yet.
     *
     * @param dir the root directory as given by {@code --root}
     */
    public RuntimeRoot(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir");
    }

    /**
     * Returns the directory.
     *
     * @return the root directory as given
     */
    public Path dir() {
        return dir;
    }

    /**
     * Returns the path of a container's state file.
     *
     * @param id the container
     * @return {@code <root>/<cid>_sandbox:<sid>.state}
     */
    public Path stateFile(FullId id) {
        return dir.resolve(id.stateFileName());
    }

    /**
     * Returns the path of a container's lock file.
     *
     * @param id the container
     * @return {@code <root>/<cid>_sandbox:<sid>.lock}
     */
    public Path lockFile(FullId id) {
        return dir.resolve(id.lockFileName());
    }

    /**
     * Stats a container's state file, following symbolic links (the server's check whether a
     * rejected sandbox's file changed).
     *
     * @param id the container
     * @return the stat
     * @throws IOException if it cannot be stat'ed ({@link java.nio.file.NoSuchFileException} if missing)
     */
    public FileStat statStateFile(FullId id) throws IOException {
        return FileStat.of(stateFile(id));
    }

    /**
     * Lists every container with a state file, in state-file name order (as runsc's sorted glob).
     *
     * @return the containers; names that do not parse or carry invalid IDs are skipped
     * @throws IOException if the directory cannot be listed; the message names it
     */
    public List<FullId> listContainers() throws IOException {
        listings.increment();
        // File.list gives bare names, without a Path object per entry: the server lists the root,
        // three entries per sandbox, on every scrape. It says nothing about a failure, so the
        // directory stream is asked again for the reason.
        String[] entries = dir.toFile().list();
        if (entries == null) {
            throw listingFailure();
        }
        List<String> names = new ArrayList<>(entries.length / 2);
        for (String name : entries) {
            // Every sandbox also has a lock file and a socket here: sort only what can parse.
            if (name.endsWith(".state")) {
                names.add(name);
            }
        }
        Collections.sort(names);
        List<FullId> ids = new ArrayList<>(names.size());
        for (String name : names) {
            StateFileName.parse(name).ifPresent(ids::add);
        }
        return List.copyOf(ids);
    }

    private IOException listingFailure() {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            entries.iterator().hasNext();
            return new IOException("cannot list runtime root " + dir + ": it could not be read");
        } catch (IOException | DirectoryIteratorException e) {
            IOException cause = e instanceof DirectoryIteratorException d ? d.getCause() : (IOException) e;
            return new IOException("cannot list runtime root " + dir + ": " + cause, cause);
        }
    }

    /**
     * Lists the distinct sandbox IDs of all state files.
     *
     * @return the sandbox IDs in ascending order
     * @throws IOException if the directory cannot be listed
     */
    public SortedSet<String> listSandboxes() throws IOException {
        return sandboxesOf(listContainers());
    }

    /**
     * Groups containers by sandbox ID, in ascending sandbox ID order, each sandbox's containers in
     * the order given: one listing of the root serves every sandbox in it (a listing per sandbox
     * would read the whole directory each time).
     *
     * @param containers containers as {@link #listContainers()} returns them
     * @return each sandbox ID with its containers
     */
    public static SortedMap<String, List<FullId>> bySandbox(List<FullId> containers) {
        SortedMap<String, List<FullId>> groups = new TreeMap<>();
        for (FullId id : containers) {
            groups.computeIfAbsent(id.sandboxId(), k -> new ArrayList<>(1)).add(id);
        }
        groups.replaceAll((k, v) -> List.copyOf(v));
        return Collections.unmodifiableSortedMap(groups);
    }

    /**
     * How many times this root has been listed, by any of the listing methods.
     *
     * @return the number of directory listings so far
     */
    public long listings() {
        return listings.sum();
    }

    private static SortedSet<String> sandboxesOf(List<FullId> ids) {
        SortedSet<String> sids = new TreeSet<>();
        for (FullId id : ids) {
            sids.add(id.sandboxId());
        }
        return Collections.unmodifiableSortedSet(sids);
    }

    @Override
    public String toString() {
        return dir.toString();
    }
}
