package cl2cm.engine.cuda;

import jcuda.driver.CUevent;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GPU time per kernel, measured with a pair of CUDA events around every launch and cuBLAS call while profiling is on
 * ({@link CudaBackend#startProfiling()}). The events add a little host work per launch, so profile separate steps
 * from the ones you time. The report also gives the wall time, so that host-bound steps (GPU busy for a small part
 * of the wall time, the rest spent launching) show up, and every launch on the host clock, for a trace's GPU track.
 *
 * <p>The host clock: profiling starts on an idle stream (the backend synchronizes first), so an anchor event recorded
 * then completes at once, at the host time read right after recording it; each launch's start is that time plus the
 * GPU time from the anchor to the launch's first event.
 */
public final class KernelProfiler {
    private final CUstream stream;
    private final List<CUevent> events = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final long wallStart = System.nanoTime();
    private final CUevent anchor = new CUevent();
    private final long anchorNanos;

    /** {@code stream} must be idle (nothing queued), so that the anchor marks the host time it is recorded at. */
    KernelProfiler(CUstream stream) {
        this.stream = stream;
        JCudaDriver.cuEventCreate(anchor, 0);
        JCudaDriver.cuEventRecord(anchor, stream);
        anchorNanos = System.nanoTime();
    }

    void begin(String name) {
        names.add(name);
        record();
    }

    void end() {
        record();
    }

    private void record() {
        CUevent e = new CUevent();
        JCudaDriver.cuEventCreate(e, 0);
        JCudaDriver.cuEventRecord(e, stream);
        events.add(e);
    }

    /** Waits for the GPU, then sums the time of each kernel name; the events are destroyed. */
    Report finish() {
        JCudaDriver.cuStreamSynchronize(stream);
        double wallMs = (System.nanoTime() - wallStart) / 1e6;
        Map<String, double[]> byName = new LinkedHashMap<>();   // name -> {calls, total ms}
        List<Launch> launches = new ArrayList<>(names.size());
        float[] ms = new float[1];
        float[] since = new float[1];
        for (int i = 0; i < names.size(); i++) {
            JCudaDriver.cuEventElapsedTime(ms, events.get(2 * i), events.get(2 * i + 1));
            JCudaDriver.cuEventElapsedTime(since, anchor, events.get(2 * i));
            double[] acc = byName.computeIfAbsent(names.get(i), k -> new double[2]);
            acc[0]++;
            acc[1] += ms[0];
            long start = anchorNanos + (long) (since[0] * 1e6);
            launches.add(new Launch(names.get(i), start, start + (long) (ms[0] * 1e6)));
        }
        for (CUevent e : events) {
            JCudaDriver.cuEventDestroy(e);
        }
        JCudaDriver.cuEventDestroy(anchor);
        List<Entry> entries = new ArrayList<>();
        byName.forEach((n, a) -> entries.add(new Entry(n, (long) a[0], a[1])));
        entries.sort((a, b) -> Double.compare(b.totalMs(), a.totalMs()));
        return new Report(entries, wallMs, launches);
    }

    /** One launch as it ran on the GPU, on the host's {@link System#nanoTime()} clock. */
    public record Launch(String name, long startNanos, long endNanos) {
    }

    /** One kernel (or cuBLAS call shape): how often it ran and its summed GPU time. */
    public record Entry(String name, long calls, double totalMs) {
    }

    /** Kernels by total GPU time, largest first, the wall-clock time the profile covered, and every launch in order (timeline). */
    public record Report(List<Entry> entries, double wallMs, List<Launch> timeline) {
        public double gpuMs() {
            return entries.stream().mapToDouble(Entry::totalMs).sum();
        }

        public long launches() {
            return entries.stream().mapToLong(Entry::calls).sum();
        }

        /** A text table of the top {@code n} entries, times divided by {@code per} (e.g. steps). */
        public String table(int n, int per) {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format("GPU busy %.1f ms of %.1f ms wall per step (%.0f %%), %d launches per step%n",
                    gpuMs() / per, wallMs / per, 100 * gpuMs() / wallMs, launches() / per));
            sb.append(String.format("%8s %8s %9s  %s%n", "ms/step", "calls", "us/call", "kernel"));
            for (Entry e : entries.subList(0, Math.min(n, entries.size()))) {
                sb.append(String.format("%8.2f %8d %9.1f  %s%n", e.totalMs() / per, e.calls() / per,
                        1000 * e.totalMs() / e.calls(), e.name()));
            }
            return sb.toString();
        }
    }
}
