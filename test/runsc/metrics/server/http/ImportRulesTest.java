// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import runsc.metrics.testing.ProjectFiles;

/** The dependency rules of the architecture, checked on the sources (STYLE point 1). */
class ImportRulesTest {
    private static final Path SRC = ProjectFiles.resolve("src/runsc/metrics");
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+?)(?:\\.\\*)?\\s*;", Pattern.MULTILINE);
    private static final Pattern PROJECT_NAME = Pattern.compile("\\brunsc\\.metrics\\.(\\w+)");
    private static final Set<String> JAVA_BASE = ModuleLayer.boot().findModule("java.base").orElseThrow().getPackages();
    private static final Set<String> ALL_JDK_PACKAGES = ModuleLayer.boot().modules().stream()
            .flatMap(m -> m.getPackages().stream()).collect(Collectors.toSet());

    /** Every import in the files directly in a package folder that breaks the rule, as "File: import". */
    static List<String> violations(Path packageDir, Predicate<String> allowed) throws IOException {
        List<String> bad = new ArrayList<>();
        if (!Files.isDirectory(packageDir)) {
            return bad;
        }
        try (Stream<Path> files = Files.list(packageDir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                bad.addAll(violations(f.getFileName().toString(), Files.readString(f), allowed));
            }
        }
        return bad;
    }

    static List<String> violations(String file, String source, Predicate<String> allowed) {
        List<String> bad = new ArrayList<>();
        Matcher m = IMPORT.matcher(source);
        while (m.find()) {
            if (!allowed.test(m.group(1))) {
                bad.add(file + ": " + m.group(1));
            }
        }
        return bad;
    }

    /**
     * True for a type, member or package of java.base: the longest prefix of the name that is a
     * JDK package must belong to java.base ({@code java.net.http} is not {@code java.net}).
     */
    static boolean inJavaBase(String name) {
        for (String n = name; !n.isEmpty(); n = n.contains(".") ? n.substring(0, n.lastIndexOf('.')) : "") {
            if (ALL_JDK_PACKAGES.contains(n)) {
                return JAVA_BASE.contains(n);
            }
        }
        return false;
    }

    private static boolean transportNeutral(String name) {
        return !name.startsWith("com.sun.net.httpserver") && !name.startsWith("java.nio.channels");
    }

    @Test
    void httpCoreImportsNeitherHttpServerNorChannels() throws IOException {
        assertEquals(List.of(), violations(SRC.resolve("server/http"), ImportRulesTest::transportNeutral));
    }

    /** Dependencies point down: the routes and transports see the configuration, not the scrape layer above them. */
    private static boolean belowTheScrapeLayer(String name) {
        return !name.startsWith("runsc.metrics.server.") || name.startsWith("runsc.metrics.server.config.")
                || name.startsWith("runsc.metrics.server.http.");
    }

    @Test
    void routesAndTransportsImportNothingFromTheScrapeLayer() throws IOException {
        for (String pkg : List.of("server/http", "server/http/tcp", "server/http/unix", "server/http/tls")) {
            assertEquals(List.of(), violations(SRC.resolve(pkg), ImportRulesTest::belowTheScrapeLayer), pkg);
        }
    }

    /** TLS is the JDK's own (javax.net.ssl is in java.base) over the configuration record: no HTTP, no library. */
    @Test
    void tlsImportsOnlyJavaBaseAndTheConfiguration() throws IOException {
        Path tls = SRC.resolve("server/http/tls");
        assertTrue(Files.isDirectory(tls), tls + " is not a directory");
        assertEquals(List.of(), violations(tls, n -> inJavaBase(n) || n.startsWith("runsc.metrics.server.config.")));
    }

    @Test
    void configurationImportsOnlyJavaBase() throws IOException {
        assertEquals(List.of(), violations(SRC.resolve("server/config"), ImportRulesTest::inJavaBase));
    }

    @Test
    void jsonImportsOnlyJavaBase() throws IOException {
        assertEquals(List.of(), violations(SRC.resolve("json"), ImportRulesTest::inJavaBase));
    }

    @Test
    void expositionImportsOnlyJavaBaseJsonAndGotext() throws IOException {
        assertEquals(List.of(), violations(SRC.resolve("exposition"),
                n -> inJavaBase(n) || n.startsWith("runsc.metrics.json.") || n.startsWith("runsc.metrics.gotext.")));
    }

    /** Every layer uses gotext, so it must use nothing of theirs: neither by import nor by a qualified name. */
    @Test
    void gotextUsesOnlyJavaBaseAndNothingFromTheProject() throws IOException {
        Path gotext = SRC.resolve("gotext");
        assertTrue(Files.isDirectory(gotext), gotext + " is not a directory");
        assertEquals(List.of(), violations(gotext, ImportRulesTest::inJavaBase));
        assertEquals(List.of(), projectNames(gotext));
    }

    /** Every line of code in the files directly in a package folder that names another project package. */
    static List<String> projectNames(Path packageDir) throws IOException {
        List<String> bad = new ArrayList<>();
        try (Stream<Path> files = Files.list(packageDir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                bad.addAll(projectNames(f.getFileName().toString(), Files.readString(f), packageDir.getFileName().toString()));
            }
        }
        return bad;
    }

    static List<String> projectNames(String file, String source, String ownPackage) {
        List<String> bad = new ArrayList<>();
        Matcher m = PROJECT_NAME.matcher(source);
        while (m.find()) {
            if (!m.group(1).equals(ownPackage)) {
                bad.add(file + ": " + m.group());
            }
        }
        return bad;
    }

    @Test
    void regexImportsOnlyJavaBase() throws IOException {
        assertEquals(List.of(), violations(SRC.resolve("regex"), ImportRulesTest::inJavaBase));
    }

    @Test
    void checkerFindsForbiddenImports() {
        String source = """
                package x;
                import java.util.List;
                import com.sun.net.httpserver.HttpExchange;
                import static java.nio.channels.Channels.newInputStream;
                import java.net.http.HttpClient;
                import runsc.metrics.json.*;
                """;
        assertEquals(List.of("X.java: com.sun.net.httpserver.HttpExchange", "X.java: java.nio.channels.Channels.newInputStream"),
                violations("X.java", source, ImportRulesTest::transportNeutral));
        assertEquals(List.of("X.java: com.sun.net.httpserver.HttpExchange", "X.java: java.net.http.HttpClient",
                "X.java: runsc.metrics.json"), violations("X.java", source, ImportRulesTest::inJavaBase));
        assertEquals(List.of("Y.java: runsc.metrics.server.MetricServer"), violations("Y.java", """
                import runsc.metrics.server.MetricServer;
                import runsc.metrics.server.config.ServerConfig;
                import runsc.metrics.server.http.Router;
                import runsc.metrics.runtime.RuntimeRoot;
                """, ImportRulesTest::belowTheScrapeLayer));
    }

    @Test
    void checkerFindsProjectNamesOutsideImports() {
        String source = """
                package runsc.metrics.gotext;
                /** See {@link runsc.metrics.gotext.GoText}. */
                final class X {
                    Object n = runsc.metrics.exposition.NumberValue.ZERO;
                }
                """;
        assertEquals(List.of("X.java: runsc.metrics.exposition"), projectNames("X.java", source, "gotext"));
    }
}
