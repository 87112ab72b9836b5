// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.runtime;

/**
 * The {@code --metric-server} address rules: {@code %RUNTIME_ROOT%} substitution and the exact
 * comparison that decides whether a sandbox is served by this server.
 */
public final class MetricServerAddress {
    /** The placeholder runsc replaces with the root directory. */
    public static final String RUNTIME_ROOT = "%RUNTIME_ROOT%";

    private MetricServerAddress() {}

    /**
     * Replaces every {@code %RUNTIME_ROOT%} with the root string, verbatim (no canonicalisation).
     *
     * @param address an address as given or stored
     * @param root the server's {@code --root} string
     * @return the address with the placeholder replaced
     */
    public static String substitute(String address, String root) {
        return address.replace(RUNTIME_ROOT, root);
    }

    /**
     * Tells whether a sandbox asked for this server: both addresses substituted with the
     * <em>server's</em> root, then compared as strings ({@code localhost:9090} is not
     * {@code 127.0.0.1:9090}). An empty sandbox address never matches.
     *
     * @param sandboxAddress the state file's {@code metricServerAddress}
     * @param serverAddress the server's {@code --metric-server}
     * @param root the server's {@code --root} string
     * @return whether they are equal after substitution
     */
    public static boolean matches(String sandboxAddress, String serverAddress, String root) {
        String wanted = substitute(sandboxAddress, root);
        return !wanted.isEmpty() && wanted.equals(substitute(serverAddress, root));
    }
}
