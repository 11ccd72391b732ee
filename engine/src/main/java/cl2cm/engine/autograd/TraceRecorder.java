package cl2cm.engine.autograd;

import cl2cm.engine.tensor.Shape;
import cl2cm.engine.tensor.Tensor;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A Chrome trace-event file (opened by Perfetto and chrome://tracing) of the ops the autograd tape sees: one complete
 * event per op on its thread's track (forward and backward as categories; each op spans from the previous event on
 * its thread to its own, like {@link OpProfiler}), steps on a track of their own, and the tensor memory in use as a
 * counter. Only what happens between {@link #beginStep} and {@link #endStep} is kept, so a caller bounds the file
 * by choosing which steps to record. Work that ran elsewhere (e.g. GPU kernels, measured by the device) is added on
 * tracks of its own with {@link #addTrack}, again only where it overlaps a recorded step.
 */
public final class TraceRecorder implements OpHook {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PID = 1;
    private static final int STEP_TRACK = 0;

    private final long t0 = System.nanoTime();
    private final ArrayNode events = JSON.createArrayNode();
    private final Map<Long, long[]> last = new ConcurrentHashMap<>();
    private final LongSupplier bytesInUse;
    private volatile boolean recording;
    private long stepStart;
    private String stepName;
    /** The recorded steps' [start, end] host times, for clipping {@link #addTrack}'s spans. */
    private final java.util.List<long[]> windows = new java.util.ArrayList<>();
    private int nextTrack = -1;

    /** @param bytesInUse the memory counter's source (e.g. the backend's bytes in use), or null for none */
    public TraceRecorder(LongSupplier bytesInUse) {
        this.bytesInUse = bytesInUse;
        metadata("process_name", 0, "cl2cm");
        metadata("thread_name", STEP_TRACK, "steps");
    }

    /** Starts recording a step; its ops are kept until {@link #endStep}. */
    public void beginStep(String name) {
        stepStart = System.nanoTime();
        stepName = name;
        clock(Thread.currentThread(), stepStart)[0] = stepStart;
        recording = true;
    }

    /** Ends the step begun last and adds it to the step track. */
    public void endStep() {
        recording = false;
        long end = System.nanoTime();
        complete(stepName, "step", STEP_TRACK, stepStart, end, null);
        synchronized (windows) {
            windows.add(new long[]{stepStart, end});
        }
    }

    /** A span of work on some other timeline, on the host's {@link System#nanoTime()} clock. */
    public record Span(String name, long startNanos, long endNanos) {
    }

    /**
     * Adds {@code spans} on a new track named {@code track} (e.g. "GPU stream", category "kernel"), keeping those
     * that overlap a recorded step; returns how many were kept.
     */
    public int addTrack(String track, String category, java.util.List<Span> spans) {
        int tid;
        synchronized (events) {
            tid = nextTrack--;
        }
        metadata("thread_name", tid, track);
        int kept = 0;
        synchronized (windows) {
            for (Span s : spans) {
                for (long[] w : windows) {
                    if (s.endNanos() >= w[0] && s.startNanos() <= w[1]) {
                        complete(s.name(), category, tid, s.startNanos(), s.endNanos(), null);
                        kept++;
                        break;
                    }
                }
            }
        }
        return kept;
    }

    @Override
    public void forward(String op, Tensor[] inputs, Tensor output) {
        record(op, "forward", output);
    }

    @Override
    public void backward(String op, Tensor output, Tensor[] inputs, Tensor outputGrad, Tensor[] inputGrads) {
        record(op, "backward", outputGrad);
    }

    private void record(String op, String category, Tensor shaped) {
        if (!recording) {
            return;
        }
        long now = System.nanoTime();
        Thread thread = Thread.currentThread();
        long[] clock = clock(thread, now);
        long start = clock[0];
        clock[0] = now;
        ObjectNode args = JSON.createObjectNode().put("shape", Shape.str(shaped.shape()));
        complete(op, category, (int) thread.threadId(), start, now, args);
        if (bytesInUse != null) {
            synchronized (events) {
                events.addObject().put("name", "tensor memory").put("ph", "C").put("pid", PID).put("ts", micros(now))
                        .putObject("args").put("MiB", bytesInUse.getAsLong() / 1048576.0);
            }
        }
    }

    /** The thread's clock (the end of its last event), named on its track the first time it is seen. */
    private long[] clock(Thread thread, long now) {
        return last.computeIfAbsent(thread.threadId(), k -> {
            metadata("thread_name", (int) thread.threadId(), thread.getName());
            return new long[]{now};
        });
    }

    private void complete(String name, String category, int tid, long start, long end, ObjectNode args) {
        synchronized (events) {
            ObjectNode e = events.addObject().put("name", name).put("cat", category).put("ph", "X").put("pid", PID)
                    .put("tid", tid).put("ts", micros(start)).put("dur", (end - start) / 1000.0);
            if (args != null) {
                e.set("args", args);
            }
        }
    }

    private void metadata(String kind, int tid, String name) {
        synchronized (events) {
            events.addObject().put("name", kind).put("ph", "M").put("pid", PID).put("tid", tid).putObject("args")
                    .put("name", name);
        }
    }

    private double micros(long nanos) {
        return (nanos - t0) / 1000.0;
    }

    /** Events kept so far (metadata included). */
    public int size() {
        synchronized (events) {
            return events.size();
        }
    }

    /** Writes the trace as {@code {"traceEvents": [...]}}, atomically. */
    public void write(Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        synchronized (events) {
            root.set("traceEvents", events.deepCopy());
        }
        root.put("displayTimeUnit", "ms");
        byte[] bytes = JSON.writeValueAsBytes(root);
        cl2cm.engine.io.AtomicFile.write(file, out -> out.write(bytes));
    }
}
