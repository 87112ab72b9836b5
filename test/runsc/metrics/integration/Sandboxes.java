// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.integration;

import java.io.IOException;
import runsc.metrics.testing.RealRoot;
import runsc.metrics.testing.RealRunsc;
import runsc.metrics.testing.RealSandbox;
import runsc.metrics.testing.RunscResult;
import runsc.metrics.testing.SandboxSpec;

/**
 * Starts real sandboxes that are known to answer. On this shared machine a freshly started sandbox
 * has now and then been found dead before any product code touched it (see the report of this
 * package); such a sandbox is replaced once, so that the tests measure the product, not that.
 */
final class Sandboxes {
    private Sandboxes() {
    }

    /** Starts the sandbox and checks with real runsc that it answers; replaces it once if not. */
    static RealSandbox startAnswering(RealRoot root, SandboxSpec spec) throws IOException {
        RealSandbox sandbox = root.start(spec);
        RunscResult check = RealRunsc.exportMetrics(root.path(), spec.id());
        if (check.exitCode() == 0) {
            return sandbox;
        }
        String first = describe(sandbox, check);
        sandbox.close();
        RealSandbox again = root.start(spec);
        RunscResult second = RealRunsc.exportMetrics(root.path(), spec.id());
        if (second.exitCode() != 0) {
            throw new IOException("sandbox " + spec.id() + " does not answer right after its start, twice: "
                    + first + "; then " + describe(again, second));
        }
        System.err.println("integration: replaced sandbox " + spec.id() + " that died right after its start: " + first);
        return again;
    }

    private static String describe(RealSandbox s, RunscResult check) throws IOException {
        long pid = s.pid();
        return check.describe() + " (pid " + pid + (ProcessHandle.of(pid).isPresent() ? " alive" : " dead") + ")";
    }
}
