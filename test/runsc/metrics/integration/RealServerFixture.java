// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import runsc.metrics.testing.Cleanup;
import runsc.metrics.testing.Daemon;
import runsc.metrics.testing.RealRoot;
import runsc.metrics.testing.RealRunsc;
import runsc.metrics.testing.RuntimeImage;
import runsc.metrics.testing.ScratchDir;

/**
 * The fixture of a test class that runs the image's {@code metric-server} over real gVisor
 * sandboxes and scrapes it with curl: a private runsc root, a scratch directory for the servers'
 * pid files and output, and the servers started over that root. Register it with
 * {@code @RegisterExtension} on a static field. Before the class's {@code @BeforeAll} methods it
 * skips the class without real sandboxes or curl, then makes the root; after the class it stops
 * the servers, then the sandboxes, then removes the directory.
 */
final class RealServerFixture implements BeforeAllCallback, AfterAllCallback {
    private final String prefix;
    private final List<Daemon> servers = new ArrayList<>();
    private ScratchDir dir;
    private RealRoot root;

    /** A fixture whose scratch directory's name starts with {@code prefix}. */
    RealServerFixture(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException, InterruptedException {
        RealRunsc.assumeAvailable();
        Curl.assumeInstalled();
        dir = ScratchDir.create(prefix);
        root = RealRoot.create();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        List<AutoCloseable> all = new ArrayList<>(servers.reversed());
        all.add(root);
        all.add(dir);
        servers.clear();
        Cleanup.closeAll(all.toArray(AutoCloseable[]::new));
    }

    /** The runsc root the sandboxes and servers share. */
    RealRoot root() {
        return root;
    }

    /** A path in the scratch directory. */
    Path resolve(String name) {
        return dir.resolve(name);
    }

    /**
     * Starts {@code metric-server} over the root on {@code address}, with {@code flags} after the
     * subcommand, and waits until it has written its pid file, which it does once it listens.
     *
     * @param name names its pid and output files
     * @return the server, which the fixture stops after the class if the test has not
     */
    Daemon startServer(String address, String name, String... flags) throws IOException, InterruptedException {
        Path pidFile = dir.resolve(name + ".pid");
        List<String> args = new ArrayList<>(List.of("--root=" + root.path(), "--metric-server=" + address,
                "metric-server", "--pid-file=" + pidFile));
        args.addAll(List.of(flags));
        Daemon server = Daemon.start(name, RuntimeImage.command(args.toArray(String[]::new)), dir.path());
        servers.add(server);
        server.awaitFile(pidFile, SimulatedServer.STARTUP);
        return server;
    }

    /** The body of {@code /metrics} from the server on the Unix socket {@code address}, which must answer 200. */
    String scrape(String address) throws IOException, InterruptedException {
        HttpReply reply = Curl.unix(Path.of(address), "/metrics");
        assertEquals(200, reply.status(), reply::text);
        return reply.text();
    }

    /** {@link #scrape(String)} of the root's default metric server address. */
    String scrape() throws IOException, InterruptedException {
        return scrape(root.metricServerAddress());
    }
}
