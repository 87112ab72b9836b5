// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server;

/**
 * What discovery made of one sandbox's root state file the last time it looked: served, or why
 * not. Discovery keeps one per state file in the root (and drops it with the file), replaced only
 * when the verdict changes, so a listing of them costs no file access.
 *
 * @param fileName        the state file's name in the root, {@code <sid>_sandbox:<sid>.state}
 * @param sandboxId       the sandbox ID its name gives
 * @param recordedAddress the {@code metricServerAddress} the file records, "" if it was not read
 *                        (locked, unreadable, malformed) or records none
 * @param status          served, or the kind of reason it is not
 * @param reason          one line for people: "served", or why not, naming what differs
 */
record SeenStateFile(String fileName, String sandboxId, String recordedAddress, Status status, String reason) {

    /** Served, or why not (a closed set: the endpoint that lists these shows the names). */
    enum Status {
        /** Served by this server. */
        SERVED,
        /** It records another {@code --metric-server} address, or none. */
        ADDRESS_DIFFERS,
        /** It says running, but its process is gone (and its control socket refuses, if asked). */
        PROCESS_GONE,
        /** Another process holds its lock; retried on every refresh. */
        LOCKED,
        /** It cannot be opened or read (permissions, not a regular file, I/O error). */
        UNREADABLE,
        /** It is not a valid state file (not JSON, wrong shape, wrong IDs, too large or deep). */
        MALFORMED,
        /** It was read, but the sandbox cannot be served (no registration, invalid registration, no root container). */
        NOT_SERVABLE
    }
}
