// SPDX-License-Identifier: Apache-2.0
package runsc.metrics.server.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import runsc.metrics.exposition.ExpositionFormat;
import runsc.metrics.regex.Re2Pattern;
import runsc.metrics.regex.Re2SyntaxException;
import runsc.metrics.server.config.ServerConfig;

/**
 * The routes of upstream's metric server, on top of Go's {@code ServeMux} conventions.
 *
 * <ul>
 *   <li>{@code /metrics}: the scrape from {@link MetricsSource}, with the two filter parameters
 *       compiled as RE2 (400 with upstream's text when invalid)</li>
 *   <li>{@code /metrics%3F<query>}: any path whose decoded form starts with {@code /metrics?} is
 *       served as {@code /metrics} with the decoded remainder as its query (Prometheus encodes
 *       the {@code ?} of {@code metrics_path}); the real query is dropped</li>
 *   <li>{@code /runsc-metrics/healthcheck?root=DIR}: {@code runsc-metrics:OK} if DIR is the root</li>
 *   <li>{@code /runsc-metrics/pid}: the process id</li>
 *   <li>{@code /runsc-metrics/sandboxes}: every sandbox state file seen, served or not, as JSON
 *       ({@link SandboxListing}, bounded by {@link SandboxListingJson})</li>
 *   <li>{@code /} exactly: the index page; everything else: 404 {@code path not found}</li>
 * </ul>
 * Any method is accepted, as with Go's mux. A path that is not clean gets a 301 to its clean form.
 * Concurrent {@code /metrics} requests with the same filters share one scrape ({@link ScrapeCoalescer});
 * each client has a share of the concurrent requests, and its filtered ones take turns ({@link ClientShares}).
 * Each refused {@code /metrics} request (400 for a filter, 503 for the client's share or turn) is charged
 * to its client's {@link RefusalBudget}; a client that spent it gets 429 with {@code Retry-After} on every
 * route but the healthcheck, and the transports ask {@link #refuseConnectionFor} before reading a new
 * connection of it.
 * A request that takes gzip gets a large enough {@code 200} body compressed ({@link GzipEncoding}).
 * With {@link ServerConfig#openMetrics} on, {@code /metrics} answers in OpenMetrics when the request's
 * {@code Accept} prefers it ({@link FormatNegotiation}), and its {@code 200} responses carry
 * {@code Vary: Accept}; off, every request gets the text format whatever its {@code Accept}.
 *
 * <p>This is the one place where a failure of the code behind a route becomes a response (500
 * {@code internal error}, details only in the log): {@link #handle} never throws, so the transports
 * need no handler of their own.
 */
public final class Router implements RequestHandler {
    /** The {@code Content-Type} of every successful {@code /metrics} response. */
    public static final String METRICS_CONTENT_TYPE = ExpositionFormat.TEXT.contentType();
    /** The index page, byte for byte as upstream writes it. */
    public static final String INDEX_HTML = "<html><head><title>runsc metrics</title></head><body>"
            + "<p>You have reached the runsc metrics server page!</p>"
            + "<p>To see actual metric data, head over to <a href=\"/metrics\">/metrics</a>.</p>"
            + "</body></html>";
    /** Query parameter of the sandbox metrics filter. */
    public static final String METRICS_FILTER_PARAM = "runsc-sandbox-metrics-filter";
    /** Query parameter of the capability filter. */
    public static final String CAPABILITY_FILTER_PARAM = "runsc-capability-filter";
    /**
     * The longest filter, in bytes after URL decoding, a {@code /metrics} request may carry. The
     * metric filter travels to every served sandbox, so its length is paid once per sandbox: a 60 KB
     * pattern at 1000 sandboxes is 60 MB of requests and seconds of CPU. Upstream has no limit;
     * real filters (a few metric name prefixes) are far below this one.
     */
    public static final int MAX_FILTER_BYTES = 4096;
    /** First guess of a scrape's size, before any scrape has been made. */
    static final int INITIAL_BUFFER_BYTES = 16 * 1024;

    private static final String METRICS_PREFIX = "/metrics?";
    private static final String HEALTHCHECK_PATH = "/runsc-metrics/healthcheck";

    private final ServerConfig config;
    private final long pid = ProcessHandle.current().pid();
    private final MetricsSource source;
    private final SandboxListing listing;
    private final BooleanSupplier shuttingDown;
    private final Consumer<String> log;
    private final Semaphore metricsSlots;
    private final AtomicInteger lastMetricsSize = new AtomicInteger(INITIAL_BUFFER_BYTES);
    private final ScrapeCoalescer coalescer;
    private final ClientShares shares;
    private final RefusalBudget refusals;
    private final String rootBytes;

    /**
     * Creates the router.
     *
     * @param config the root directory as given, the scrape deadline and the cap on concurrent scrapes
     * @param source produces the {@code /metrics} body
     * @param shuttingDown true once shutdown has begun (healthcheck and pid then answer 503)
     * @param log receives one line per request and per failure (no stack traces in bodies)
     */
    public Router(ServerConfig config, MetricsSource source, BooleanSupplier shuttingDown, Consumer<String> log) {
        this(config, source, List::of, shuttingDown, log);
    }

    /**
     * Creates the router with a sandbox listing.
     *
     * @param config the root directory as given, the scrape deadline and the cap on concurrent scrapes
     * @param source produces the {@code /metrics} body
     * @param listing lists the sandboxes for {@code /runsc-metrics/sandboxes}
     * @param shuttingDown true once shutdown has begun (healthcheck and pid then answer 503)
     * @param log receives one line per request and per failure (no stack traces in bodies)
     */
    public Router(ServerConfig config, MetricsSource source, SandboxListing listing, BooleanSupplier shuttingDown,
                  Consumer<String> log) {
        this(config, source, listing, shuttingDown, log, new RefusalBudget());
    }

    /**
     * Creates the router with a sandbox listing and a budget of refused requests per client.
     *
     * @param config the root directory as given, the scrape deadline and the cap on concurrent scrapes
     * @param source produces the {@code /metrics} body
     * @param listing lists the sandboxes for {@code /runsc-metrics/sandboxes}
     * @param shuttingDown true once shutdown has begun (healthcheck and pid then answer 503)
     * @param log receives one line per request and per failure (no stack traces in bodies)
     * @param refusals charged by each refused {@code /metrics} request; a client whose budget is
     *     spent gets 429 here and at the transports' accept
     */
    public Router(ServerConfig config, MetricsSource source, SandboxListing listing, BooleanSupplier shuttingDown,
                  Consumer<String> log, RefusalBudget refusals) {
        this.refusals = refusals;
        this.config = config;
        this.source = source;
        this.listing = listing;
        this.shuttingDown = shuttingDown;
        this.log = log;
        this.metricsSlots = new Semaphore(config.maxConcurrentScrapes());
        this.coalescer = new ScrapeCoalescer(config.scrapeDeadline());
        this.shares = new ClientShares(config.maxConcurrentScrapes());
        this.rootBytes = new String(config.rootText().getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    @Override
    public HttpResponse handle(HttpRequest request) {
        try {
            return GzipEncoding.apply(request, route(request));
        } catch (RuntimeException e) {
            log.accept("Request: " + printable(request.method()) + " " + printable(request.target())
                    + ": internal error: " + e);
            return HttpResponse.error(500, "internal error").closing();
        }
    }

    private HttpResponse route(HttpRequest request) {
        long received = System.nanoTime();
        String method = request.method();
        if (request.target().equals("*")) {
            // Go's server answers "OPTIONS *" itself; any other method with "*" is not a path.
            return method.equals("OPTIONS") ? new HttpResponse(200, List.of(), new byte[0], false) : badRequest();
        }
        if (request.rawPath().indexOf('/') != 0 && !request.rawPath().isEmpty() || hasControlByte(request.target())) {
            return badRequest();
        }
        String path;
        try {
            path = GoUrl.unescape(request.rawPath(), false);
        } catch (GoUrl.EscapeException e) {
            return badRequest();
        }
        String clean = GoUrl.cleanPath(path);
        if (!clean.equals(path)) {
            return redirect(method, clean, request.rawQuery());
        }
        log.accept("Request: " + printable(method) + " " + printable(GoUrl.decodeUtf8(path)));
        // The healthcheck stays open on a connection already accepted: a probe must not fail for a
        // client that shares its address and keeps sending bad filters.
        long refusedFor = path.equals(HEALTHCHECK_PATH) ? 0 : refusals.retryAfterSeconds(request.client());
        if (refusedFor > 0) {
            return RefusalBudget.tooManyRequests(refusedFor);
        }
        return switch (path) {
            case "/metrics" -> metrics(request, request.rawQuery(), received);
            case HEALTHCHECK_PATH -> healthcheck(request);
            case "/runsc-metrics/pid" -> pid();
            case "/runsc-metrics/sandboxes" -> HttpResponse.of(200, "application/json",
                    SandboxListingJson.write(config.rootText(), listing.sandboxes()));
            case "/" -> HttpResponse.of(200, "text/html; charset=utf-8", INDEX_HTML.getBytes(StandardCharsets.UTF_8));
            default -> path.startsWith(METRICS_PREFIX)
                    ? metrics(request, path.substring(METRICS_PREFIX.length()), received)
                    : HttpResponse.error(404, "path not found");
        };
    }

    private HttpResponse metrics(HttpRequest request, String rawQuery, long received) {
        GoUrl.Query query = GoUrl.parseQuery(rawQuery);
        Optional<Re2Pattern> metricsFilter;
        Optional<Re2Pattern> capabilityFilter;
        HttpResponse tooLong = tooLong("metric", query.get(METRICS_FILTER_PARAM));
        if (tooLong == null) {
            tooLong = tooLong("capability", query.get(CAPABILITY_FILTER_PARAM));
        }
        if (tooLong != null) {
            return refused(request, tooLong, 1);
        }
        try {
            metricsFilter = filter(query.get(METRICS_FILTER_PARAM));
        } catch (Re2SyntaxException e) {
            log.accept("Request: /metrics: " + METRICS_FILTER_PARAM + ": " + e.getMessage());
            return refused(request, HttpResponse.error(400, "provided metric filter is not a valid regular expression"), 1);
        }
        try {
            capabilityFilter = filter(query.get(CAPABILITY_FILTER_PARAM));
        } catch (Re2SyntaxException e) {
            log.accept("Request: /metrics: " + CAPABILITY_FILTER_PARAM + ": " + e.getMessage());
            return refused(request, HttpResponse.error(400, "provided capability filter is not a valid regular expression"), 1);
        }
        if (!metricsSlots.tryAcquire()) {
            return HttpResponse.error(503, "too many concurrent /metrics requests (limit "
                    + config.maxConcurrentScrapes() + ")");
        }
        ClientShares.Client client = null;
        try {
            client = shares.enter(request.client());
            if (client == null) {
                log.accept("Request: /metrics: " + clientName(request) + " has " + shares.perClient()
                        + " requests in progress already");
                return refused(request, HttpResponse.error(503, "too many concurrent /metrics requests from this client (limit "
                        + shares.perClient() + " of " + config.maxConcurrentScrapes() + ")"), 1);
            }
            return scrapeInTurn(request, client, metricsFilter, capabilityFilter, received);
        } finally {
            if (client != null) {
                shares.leave(client);
            }
            metricsSlots.release();
        }
    }

    /**
     * Runs or joins a scrape, a filtered one once the client's earlier filtered requests are done.
     * Unfiltered requests need no turn: whoever sends them, they share at most one running and one
     * waiting scrape per format, so they cannot multiply the cost.
     */
    private HttpResponse scrapeInTurn(HttpRequest request, ClientShares.Client client, Optional<Re2Pattern> metricsFilter,
                                      Optional<Re2Pattern> capabilityFilter, long received) {
        boolean filtered = metricsFilter.isPresent() || capabilityFilter.isPresent();
        if (filtered && !client.awaitTurn(received + config.scrapeDeadline().toNanos())) {
            return refused(request, HttpResponse.error(503, "context deadline exceeded: this client's earlier /metrics "
                    + "requests were still running at the scrape deadline"), 1);
        }
        try {
            ExpositionFormat format = FormatNegotiation.choose(request.headers().all("Accept"), config.openMetrics());
            var key = new ScrapeCoalescer.Key(metricsFilter.map(Re2Pattern::source).orElse(""),
                    capabilityFilter.map(Re2Pattern::source).orElse(""), format);
            MetricsQuery metricsQuery = new MetricsQuery(metricsFilter, capabilityFilter, received, format);
            HttpResponse response = coalescer.scrape(key, received, () -> scrapeOnce(metricsQuery));
            // A scrape answers 400 only for a filter that used up the request's regex budget.
            return response.status() == 400 ? refused(request, response, RefusalBudget.REGEX_BUDGET_COST) : response;
        } finally {
            if (filtered) {
                client.endTurn();
            }
        }
    }

    @Override
    public long refuseConnectionFor(String client) {
        return refusals.retryAfterSeconds(client);
    }

    /** Charges a refusal to the request's client, saying so in the log when it empties the client's budget. */
    private HttpResponse refused(HttpRequest request, HttpResponse refusal, int cost) {
        if (refusals.charge(request.client(), cost)) {
            log.accept("Request: /metrics: " + clientName(request) + " has used up its budget of refused requests: "
                    + "its requests and connections get 429 for " + refusals.retryAfterSeconds(request.client()) + " s");
        }
        return refusal;
    }

    /** For tests: the clients' shares. */
    ClientShares shares() {
        return shares;
    }

    private static String clientName(HttpRequest request) {
        return request.client().isEmpty() ? "a client whose address is unknown" : printable(request.client());
    }

    /** Runs one scrape into a buffer sized by the last one; a failed scrape becomes a 503. */
    private HttpResponse scrapeOnce(MetricsQuery query) {
        int guess = lastMetricsSize.get();
        ScrapeBuffer body = new ScrapeBuffer(guess + guess / 8);
        try {
            source.writeMetrics(query, body);
        } catch (FilterRejectedException e) {
            log.accept("Request: /metrics: " + e.getMessage() + ": " + e.getCause());
            return HttpResponse.error(400, e.getMessage());
        } catch (IOException e) {
            log.accept("Request: /metrics: scrape failed after " + body.size() + " bytes: " + e.getMessage());
            if (body.size() == 0) {
                return HttpResponse.error(503, String.valueOf(e.getMessage()));
            }
            // Upstream has already sent these bytes when its writer fails; so do we.
        }
        lastMetricsSize.set(Math.max(1024, body.size()));
        // The buffer itself, not a copy: at 1000 sandboxes a copy is another 6 MB at the scrape's peak.
        if (!config.openMetrics()) {
            return HttpResponse.of(200, METRICS_CONTENT_TYPE, body.array(), body.size());
        }
        // Caches must not hand one format's body to a client that asked for the other.
        return new HttpResponse(200, List.of(new Header("Content-Type", query.format().contentType()),
                new Header("Vary", "Accept")), body.array(), body.size(), false);
    }

    /** A {@link ByteArrayOutputStream} that hands over its array instead of copying it. */
    private static final class ScrapeBuffer extends ByteArrayOutputStream {
        ScrapeBuffer(int size) {
            super(size);
        }

        /** The array; its first {@link #size()} bytes are what was written. The buffer must not be written again. */
        byte[] array() {
            return buf;
        }
    }

    /** A 400 for a filter over {@link #MAX_FILTER_BYTES}, or null; {@code bytes} holds one byte per char. */
    private HttpResponse tooLong(String which, String bytes) {
        if (bytes.length() <= MAX_FILTER_BYTES) {
            return null;
        }
        String message = "provided " + which + " filter is too long: " + bytes.length() + " bytes, the limit is "
                + MAX_FILTER_BYTES;
        log.accept("Request: /metrics: " + message);
        return HttpResponse.error(400, message);
    }

    private static Optional<Re2Pattern> filter(String bytes) throws Re2SyntaxException {
        return bytes.isEmpty() ? Optional.empty() : Optional.of(Re2Pattern.compile(GoUrl.decodeUtf8(bytes)));
    }

    private HttpResponse healthcheck(HttpRequest request) {
        if (shuttingDown.getAsBoolean()) {
            return HttpResponse.error(503, "server is shutting down");
        }
        GoUrl.Query form = GoForm.parse(request.method(), request.headers().first("Content-Type").orElse(null),
                request.body(), request.rawQuery());
        if (form.error() != null) {
            return HttpResponse.error(400, form.error());
        }
        if (!form.get("root").equals(rootBytes)) {
            return HttpResponse.error(400, "this metric server is configured to serve root directory: "
                    + config.rootText());
        }
        return HttpResponse.of(200, HttpResponse.TEXT_PLAIN, "runsc-metrics:OK".getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse pid() {
        if (shuttingDown.getAsBoolean()) {
            return HttpResponse.error(503, "server is shutting down");
        }
        return HttpResponse.of(200, HttpResponse.TEXT_PLAIN, Long.toString(pid).getBytes(StandardCharsets.UTF_8));
    }

    /** Go's {@code http.Redirect} with 301, as {@code ServeMux} sends it for unclean paths. */
    private static HttpResponse redirect(String method, String cleanPath, String rawQuery) {
        String url = GoUrl.escapePath(cleanPath) + (rawQuery.isEmpty() ? "" : "?" + rawQuery);
        List<Header> headers = new ArrayList<>();
        headers.add(new Header("Location", url));
        boolean getOrHead = method.equals("GET") || method.equals("HEAD");
        if (getOrHead) {
            headers.add(new Header("Content-Type", "text/html; charset=utf-8"));
        }
        String body = method.equals("GET") ? "<a href=\"" + GoUrl.htmlEscape(url) + "\">Moved Permanently</a>.\n\n" : "";
        return new HttpResponse(301, headers, body.getBytes(StandardCharsets.ISO_8859_1), false);
    }

    /** Go's server answer to a request URI it cannot parse (written before any handler runs). */
    private static HttpResponse badRequest() {
        return new HttpResponse(400, List.of(new Header("Content-Type", HttpResponse.TEXT_PLAIN)),
                "400 Bad Request".getBytes(StandardCharsets.UTF_8), true);
    }

    /** Keeps a log entry on one line: control characters (a decoded %0A, say) become \\xNN. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean hasControlByte(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                return true;
            }
        }
        return false;
    }
}
