// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.testing;

/** Tear-down of several fixtures at once, where each must go even when one before it fails to. */
public final class Cleanup {
    private Cleanup() {}

    /**
     * Closes each resource that is not null, in order. The first failure is thrown once every
     * resource has been tried, with the later ones added to it as suppressed exceptions.
     *
     * @param resources what to close; nulls (fixtures a failed set-up never made) are skipped
     * @throws Exception the first failure
     */
    public static void closeAll(AutoCloseable... resources) throws Exception {
        Exception first = null;
        for (AutoCloseable r : resources) {
            if (r == null) {
                continue;
            }
            try {
                r.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
