package cl2cm.app;

import cl2cm.search.IndexIdentity;
import cl2cm.search.VectorIndex;
import cl2cm.search.service.SearchService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve an index over HTTP: a search page, GET /api/search?q=...&k=10 (JSON), the pictures, "
                + "/api/health and /api/metrics (Prometheus). The text tower is loaded once; requests run in parallel.")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    IndexLocation location;

    @Option(names = "--run", description = "the run folder of the index's model (default: the one the index records)")
    Path run;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to listen on; 0.0.0.0 for every "
            + "interface (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "0 picks a free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--max-in-flight", defaultValue = "32", description = "searches answered at once; more wait up "
            + "to 2 s, then get 503 (default: ${DEFAULT-VALUE})")
    int maxInFlight;

    /** Started service, for tests that run the command in-process. */
    SearchService service;
    private final CountDownLatch stop = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        location.check(true, "--index");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be between 0 and 65535, not " + port);
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("--max-in-flight must be at least 1");
        }
        try (VectorIndex index = location.openForSearch()) {
            IndexIdentity id = index.identity();
            RunQueryEncoder encoder = new RunQueryEncoder(RunFolder.openFor(id, run, location.describe()), id.model());
            try (SearchService s = new SearchService(index, encoder, location.pictureBase(), location.describe(),
                    host, port, maxInFlight).start()) {
                service = s;
                Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
                System.out.printf("serving %,d items of %s at http://%s:%d/ (Ctrl-C stops)%n", index.size(),
                        location.describe(), host.equals("0.0.0.0") ? "localhost" : host, s.port());
                System.out.flush();
                stop.await();
            }
        }
        return 0;
    }

    /** Stops a running {@link #call()} (tests). */
    void shutdown() {
        stop.countDown();
    }
}
