package cl2cm.engine.autograd;

import cl2cm.engine.tensor.Tensor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Time per op type, forward and backward separately, from the autograd tape's events: each op is charged the time
 * since the previous event on its thread (its own work, plus any glue code just before it), so call {@link #mark()}
 * where a step starts. Products (matmul, batched matmul, a Linear's addmm) also get their forward FLOPs, hence
 * GFLOP/s. This is how the CPU backend is profiled, where ops run synchronously; on a GPU the host only queues
 * kernels, so CUDA uses its kernel profiler instead.
 */
public final class OpProfiler implements OpHook {
    /** Totals of one (direction, op) pair. */
    public record Row(String direction, String op, long calls, long nanos, long flops, long bytes) {
        public double gflops() {
            return flops == 0 || nanos == 0 ? 0 : flops / (double) nanos;
        }
    }

    private final Map<String, long[]> totals = new ConcurrentHashMap<>();   // calls, nanos, flops, bytes
    private final ThreadLocal<long[]> last = ThreadLocal.withInitial(() -> new long[]{System.nanoTime()});

    /** Forgets everything counted so far (e.g. warm-up steps). */
    public void reset() {
        totals.clear();
    }

    /** Restarts this thread's clock: work before this moment is charged to no op. */
    public void mark() {
        last.get()[0] = System.nanoTime();
    }

    @Override
    public void forward(String op, Tensor[] inputs, Tensor output) {
        add("forward", op, productFlops(op, inputs, output), bytes(output));
    }

    @Override
    public void backward(String op, Tensor output, Tensor[] inputs, Tensor outputGrad, Tensor[] inputGrads) {
        long bytes = 0;
        for (Tensor g : inputGrads) {
            bytes += bytes(g);
        }
        add("backward", op, 0, bytes);
    }

    private void add(String direction, String op, long flops, long bytes) {
        long now = System.nanoTime();
        long[] clock = last.get();
        long dt = now - clock[0];
        clock[0] = now;
        long[] t = totals.computeIfAbsent(direction + " " + op, k -> new long[4]);
        synchronized (t) {
            t[0]++;
            t[1] += dt;
            t[2] += flops;
            t[3] += bytes;
        }
    }

    /**
     * Forward FLOPs of the ops that multiply matrices, 0 for the others: 2 m n k for a product whose output is
     * [..., m, n] and whose left operand is [..., m, k]; a convolution is that product over its unfolded input
     * (k = in-channels x kernel area); fused attention is two products, Q K^T and P V (4 B Tq Tk H).
     */
    public static long productFlops(String op, Tensor[] inputs, Tensor output) {
        if (output.rank() == 0) {
            return 0;
        }
        return switch (op) {
            case "matmul", "bmm", "dropout_matmul" -> 2L * output.numel() * lastSize(inputs[0]);
            case "addmm" -> 2L * output.numel() * lastSize(inputs[1]);
            case "conv2d" -> 2L * output.numel() * (inputs[1].numel() / inputs[1].size(0));   // w [O, C, kh, kw]
            case "attention" -> 4L * output.numel() * inputs[1].size(1);   // q [B, Tq, H], k [B, Tk, H]
            default -> 0;
        };
    }

    private static long lastSize(Tensor t) {
        return t.rank() == 0 ? 0 : t.size(t.rank() - 1);
    }

    private static long bytes(Tensor t) {
        return t == null ? 0 : t.numel() * t.dtype().bytes();
    }

    /** The rows, most time first. */
    public List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        totals.forEach((k, t) -> {
            int sp = k.indexOf(' ');
            synchronized (t) {
                rows.add(new Row(k.substring(0, sp), k.substring(sp + 1), t[0], t[1], t[2], t[3]));
            }
        });
        rows.sort(Comparator.comparingLong(Row::nanos).reversed());
        return rows;
    }

    /** A table of the top {@code limit} rows, per step over {@code steps} profiled steps of {@code stepMs} on average. */
    public String table(int limit, int steps, double stepMs) {
        List<Row> rows = rows();
        long all = rows.stream().mapToLong(Row::nanos).sum();
        StringBuilder sb = new StringBuilder(String.format("%-9s %-22s %9s %10s %7s %9s %10s%n", "direction", "op",
                "calls", "ms/step", "share", "GFLOP/s", "MB/step"));
        for (Row r : rows.subList(0, Math.min(limit, rows.size()))) {
            sb.append(String.format("%-9s %-22s %9.1f %10.2f %6.1f%% %9s %10.1f%n", r.direction(), r.op(),
                    r.calls() / (double) steps, r.nanos() / 1e6 / steps, 100.0 * r.nanos() / Math.max(1, all),
                    r.flops() == 0 ? "" : String.format("%.1f", r.gflops()), r.bytes() / 1e6 / steps));
        }
        sb.append(String.format("ops account for %.1f of %.1f ms per step, on average (the rest: optimizer, clipping)%n",
                all / 1e6 / steps, stepMs));
        return sb.toString();
    }
}
