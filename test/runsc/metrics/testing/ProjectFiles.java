// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.testing;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files of this checkout that tests read (samples under {@code test/resources}, sources, the man
 * page), found without the working directory: scripts/run-tests.sh names the checkout in the
 * system property {@value #PROPERTY}; without it (a test started from an IDE) the checkout is the
 * nearest directory above the test classes that holds {@code VERSION} and {@code test/resources}.
 */
public final class ProjectFiles {
    /** System property naming the checkout's top directory. */
    public static final String PROPERTY = "runsc.metrics.project";

    private static final Path ROOT = findRoot();

    private ProjectFiles() {
    }

    /** The checkout's top directory, absolute. */
    public static Path root() {
        return ROOT;
    }

    /** A file of the checkout, by its path relative to the top ({@code man/runsc-metrics.1}). */
    public static Path resolve(String relative) {
        return ROOT.resolve(relative);
    }

    /** A capture under {@code test/resources/samples} ({@code real-state-sb1.json}). */
    public static Path sample(String name) {
        return ROOT.resolve("test/resources/samples").resolve(name);
    }

    private static Path findRoot() {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isEmpty()) {
            Path root = Path.of(property).toAbsolutePath().normalize();
            if (!isCheckout(root)) {
                throw new IllegalStateException("-D" + PROPERTY + "=" + property
                        + " is not a runsc-metrics checkout (no VERSION and test/resources in it)");
            }
            return root;
        }
        Path classes;
        try {
            classes = Path.of(ProjectFiles.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("set -D" + PROPERTY + "=DIR: the test classes' location is unknown", e);
        }
        for (Path p = classes.toAbsolutePath(); p != null; p = p.getParent()) {
            if (isCheckout(p)) {
                return p;
            }
        }
        throw new IllegalStateException("set -D" + PROPERTY + "=DIR: no runsc-metrics checkout above " + classes);
    }

    private static boolean isCheckout(Path dir) {
        return Files.isRegularFile(dir.resolve("VERSION")) && Files.isDirectory(dir.resolve("test/resources"));
    }
}
