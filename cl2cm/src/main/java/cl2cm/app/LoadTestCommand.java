package cl2cm.app;

import cl2cm.data.Caption;
import cl2cm.search.service.LoadTest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "loadtest", mixinStandardHelpOptions = true,
        description = "Send a fixed number of searches to a running 'cl2cm serve' from several threads at once and "
                + "print throughput and latency percentiles.")
final class LoadTestCommand implements Callable<Integer> {
    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080/", description = "the service (default: ${DEFAULT-VALUE})")
    URI url;

    @Option(names = "--requests", defaultValue = "2000", description = "requests in all (default: ${DEFAULT-VALUE})")
    int requests;

    @Option(names = "--threads", defaultValue = "8", description = "clients sending at once (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--k", defaultValue = "10", description = "results per search (default: ${DEFAULT-VALUE})")
    int k;

    @Option(names = "--queries", paramLabel = "FILE", description = "one query per line")
    Path queries;

    @Option(names = "--run", description = "instead of --queries: the test captions of this run folder")
    Path run;

    @Option(names = "--language", description = "with --run: the captions' language (default: the run's target)")
    String language;

    @Override
    public Integer call() throws Exception {
        if ((queries == null) == (run == null)) {
            throw new IllegalArgumentException("give --queries FILE or --run DIR (one of them)");
        }
        List<String> qs;
        if (queries != null) {
            qs = Files.readAllLines(queries).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
            if (qs.isEmpty()) {
                throw new IllegalArgumentException(queries + ": no queries (one per line expected)");
            }
        } else {
            RunFolder rf = RunFolder.open(run, System.err);
            String tag = language != null ? language : rf.config.data().target();
            qs = rf.experiment.split("test").split().captions(tag).stream().map(Caption::text).toList();
            if (qs.isEmpty()) {
                throw new IllegalArgumentException(run + ": the test split has no '" + tag + "' captions");
            }
        }
        LoadTest.Result r = LoadTest.run(url, qs, requests, threads, k);
        System.out.println(r.table());
        if (r.ok() != r.requests()) {
            System.out.printf("%d of %d requests failed (status -1: no connection)%n", r.requests() - r.ok(), r.requests());
            return 1;
        }
        return 0;
    }
}
