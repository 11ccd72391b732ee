package cl2cm.benchmarks;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A short, representative selection of the JMH suite, printed as one table: op, shape, ours, peer, ratio.
 * {@code java -Dcl2cm.threads=1 -cp benchmarks/target/benchmarks.jar cl2cm.benchmarks.QuickTable}
 * (short iterations: use the full suite, {@code java -jar benchmarks/target/benchmarks.jar}, for final numbers).
 */
public final class QuickTable {
    private QuickTable() {
    }

    public static void main(String[] args) throws Exception {
        String threads = System.getProperty("cl2cm.threads", Integer.toString(Runtime.getRuntime().availableProcessors()));
        Map<String, Double> ms = new LinkedHashMap<>();
        run(GemmBenchmark.class.getSimpleName() + "\\.(engine|ejml)",
                new String[]{"1024x1024x1024", "2048x256x1024", "2048x1024x256"}, threads, ms);
        run(RowOpsBenchmark.class.getSimpleName(), new String[]{"2048x256", "2048x1024"}, threads, ms);
        List<String> lines = new ArrayList<>();
        lines.add(String.format("%-10s %-16s %10s %10s %7s  %s", "op", "shape", "ours ms", "peer ms", "ratio",
                "(threads " + threads + ")"));
        for (Map.Entry<String, Double> e : ms.entrySet()) {
            String[] k = e.getKey().split(":");
            if (k[0].equals("gemm") && k[1].equals("engine")) {
                Double peer = ms.get("gemm:ejml:" + k[2]);
                String[] d = k[2].split("x");
                double gflop = 2.0 * Long.parseLong(d[0]) * Long.parseLong(d[1]) * Long.parseLong(d[2]) / 1e9;
                lines.add(String.format("%-10s %-16s %10.3f %10.3f %6.1fx  %.1f GFLOP/s vs EJML", "gemm", k[2],
                        e.getValue(), peer, peer / e.getValue(), gflop / (e.getValue() / 1000)));
            } else if (k[0].equals("row") && k[1].endsWith("Engine")) {
                String op = k[1].replace("Engine", "");
                Double peer = ms.get("row:" + op + "Naive:" + k[2]);
                lines.add(String.format("%-10s %-16s %10.3f %10.3f %6.1fx  vs scalar loop", op, k[2], e.getValue(),
                        peer, peer / e.getValue()));
            }
        }
        System.out.println();
        lines.forEach(System.out::println);
    }

    /** Runs the benchmarks matching {@code include} over the given shapes; adds milliseconds per call to {@code ms}. */
    private static void run(String include, String[] shapes, String threads, Map<String, Double> ms) throws Exception {
        Options opt = new OptionsBuilder()
                .include(include)
                .param("shape", shapes)
                .warmupIterations(2).warmupTime(TimeValue.seconds(1))
                .measurementIterations(3).measurementTime(TimeValue.seconds(1))
                .forks(1).jvmArgsAppend("--add-modules", "jdk.incubator.vector", "-Dcl2cm.threads=" + threads)
                .build();
        Collection<RunResult> results = new Runner(opt).run();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark().replaceAll(".*\\.", "");
            String cls = r.getParams().getBenchmark().contains("Gemm") ? "gemm" : "row";
            double score = r.getPrimaryResult().getScore();
            double msScore = r.getPrimaryResult().getScoreUnit().startsWith("us") ? score / 1000 : score;
            ms.put(cls + ":" + name + ":" + r.getParams().getParam("shape"), msScore);
        }
    }
}
