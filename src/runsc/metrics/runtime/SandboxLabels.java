// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import runsc.metrics.gotext.GoTime;

/**
 * The labels that identify a sandbox on every series: {@code sandbox}, {@code iteration},
 * {@code pod_name}, {@code namespace_name}, plus the creation time value.
 */
public final class SandboxLabels {
    /** Label with the sandbox ID. */
    public static final String SANDBOX = "sandbox";
    /** Label that changes when a sandbox ID is reused with a new creation time. */
    public static final String ITERATION = "iteration";
    /** Label with the Kubernetes pod name. */
    public static final String POD_NAME = "pod_name";
    /** Label with the Kubernetes namespace. */
    public static final String NAMESPACE_NAME = "namespace_name";

    private SandboxLabels() {}

    /**
     * Computes the {@code iteration} label: base 36 (lower case, unpadded) of the first 8 bytes,
     * big-endian and unsigned, of SHA-256 of {@code <sid>:<createdAt as Go UTC text>}.
     *
     * @param sandboxId the sandbox ID
     * @param createdAt the root container's creation time
     * @return e.g. {@code 3mn9hmjm16dyk}
     */
    public static String iteration(String sandboxId, Instant createdAt) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
        byte[] hash = sha256.digest((sandboxId + ":" + GoTime.utcString(createdAt)).getBytes(StandardCharsets.UTF_8));
        long first8 = 0;
        for (int i = 0; i < 8; i++) {
            first8 = (first8 << 8) | (hash[i] & 0xff);
        }
        return Long.toUnsignedString(first8, 36);
    }

    /**
     * Returns the labels of a sandbox before its state was loaded: just {@code sandbox}.
     *
     * @param sandboxId the sandbox ID from the state file name
     * @return {@code {sandbox=<sid>}}
     */
    public static SequencedMap<String, String> initial(String sandboxId) {
        return sorted(Map.of(SANDBOX, sandboxId));
    }

    /**
     * Returns the identity labels of a loaded sandbox, empty values removed, keys in bytewise order.
     *
     * @param sandbox the root container's sandbox object
     * @param createdAt the root container's creation time
     * @return {@code iteration}, {@code namespace_name}, {@code pod_name}, {@code sandbox} (those
     *     with non-empty values)
     */
    public static SequencedMap<String, String> identity(Sandbox sandbox, Instant createdAt) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(SANDBOX, sandbox.id());
        labels.put(ITERATION, iteration(sandbox.id(), createdAt));
        labels.put(POD_NAME, sandbox.podName());
        labels.put(NAMESPACE_NAME, sandbox.namespace());
        labels.values().removeIf(String::isEmpty);
        return sorted(labels);
    }

    /**
     * Returns the creation time the way upstream exports it: whole epoch seconds plus
     * nanoseconds / 1e9, as a double.
     *
     * @param createdAt the root container's creation time
     * @return seconds since the epoch
     */
    public static double creationTimeSeconds(Instant createdAt) {
        return (double) createdAt.getEpochSecond() + (double) createdAt.getNano() / 1e9;
    }

    private static SequencedMap<String, String> sorted(Map<String, String> labels) {
        // Label keys here are ASCII, so String order is bytewise UTF-8 order.
        List<String> keys = new ArrayList<>(labels.keySet());
        Collections.sort(keys);
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        for (String key : keys) {
            out.put(key, labels.get(key));
        }
        return Collections.unmodifiableSequencedMap(out);
    }
}
