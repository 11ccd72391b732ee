package cl2cm.app;

import cl2cm.engine.autograd.HookHandle;
import cl2cm.engine.autograd.OpHook;
import cl2cm.engine.autograd.OpProfiler;
import cl2cm.engine.autograd.TraceRecorder;
import cl2cm.engine.backend.Backend;
import cl2cm.engine.cuda.CudaBackend;
import cl2cm.train.TrainingListener;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --profile} and {@code --trace} of train and demo, as a training listener: the profiler's table after each
 * stage (ops by time on the CPU, kernels by GPU time on CUDA), printed and kept in the run folder's
 * {@code profile.txt} (which report.html shows), and a Chrome trace-event file of the chosen optimizer
 * steps of every stage, written when the run ends; on CUDA the trace also has the kernels as the GPU ran them, on a
 * track of their own. Both need eager steps (a replayed CUDA graph runs no Java).
 */
final class TrainingInstruments implements TrainingListener, AutoCloseable {
    /** Where the profile tables of a run are kept, in its folder. */
    static final String PROFILE = "profile.txt";
    private final PrintStream log;
    private final OpProfiler ops;
    /** Set when kernels are timed: for --profile's table or --trace's GPU track. */
    private final CudaBackend cuda;
    private final boolean kernelTable;
    private final TraceRecorder recorder;
    private final Path traceFile;
    private final StepWindow window;
    private final List<HookHandle> hooks = new ArrayList<>();
    /** The tables printed so far, kept for the run folder's profile.txt (and so for report.html). */
    private final StringBuilder tables = new StringBuilder();
    private final Path profileFile;
    private long steps;
    private double stepSeconds;
    private HookHandle profiling;
    private boolean tracing;

    TrainingInstruments(boolean profile, Path traceFile, StepWindow window, Backend be, Path runFolder,
                        PrintStream log) {
        this.log = log;
        this.profileFile = profile ? runFolder.resolve(PROFILE) : null;
        this.cuda = (profile || traceFile != null) && be instanceof CudaBackend c ? c : null;
        this.kernelTable = profile && cuda != null;
        this.ops = profile && cuda == null ? new OpProfiler() : null;
        this.traceFile = traceFile;
        this.window = window;
        this.recorder = traceFile == null ? null : new TraceRecorder(() -> be.memoryStats().inUse());
        if (recorder != null) {
            hooks.add(OpHook.add(recorder));
        }
    }

    @Override
    public void stageStarted(String stage, long firstStep) {
        steps = 0;
        stepSeconds = 0;
        if (ops != null) {
            ops.reset();
        }
        if (cuda != null) {
            cuda.startProfiling();
        }
    }

    @Override
    public void stepStarting(String stage, long step) {
        if (ops != null) {   // on during steps only: validation and checkpoints are not charged to the ops
            profiling = OpHook.add(ops);
            ops.mark();
        }
        tracing = recorder != null && window.contains(step);
        if (tracing) {
            recorder.beginStep(stage + " step " + step);
        }
    }

    @Override
    public void step(Step s) {
        steps++;
        stepSeconds += s.seconds();
        if (profiling != null) {
            profiling.close();
            profiling = null;
        }
        if (tracing) {
            recorder.endStep();
            tracing = false;
        }
    }

    @Override
    public void stageEnded(String stage) {
        cl2cm.engine.cuda.KernelProfiler.Report kernels = cuda != null ? cuda.stopProfiling() : null;
        if (kernels != null && recorder != null) {
            recorder.addTrack("GPU stream (" + stage + ")", "kernel", kernels.timeline().stream()
                    .map(l -> new TraceRecorder.Span(l.name(), l.startNanos(), l.endNanos())).toList());
        }
        if (steps == 0 || (ops == null && !kernelTable)) {
            return;   // not profiling, or resumed after its end: nothing ran
        }
        String table = ops != null
                ? String.format("%s, ops by time over its %d steps (each charged from the previous op's end):%n%s",
                        stage, steps, ops.table(25, (int) steps, stepSeconds * 1e3 / steps))
                : String.format("%s, kernels by GPU time over %d steps (validation included):%n%s", stage, steps,
                        kernels.table(25, (int) steps));
        log.print(table);
        tables.append(table).append(System.lineSeparator());
        try {
            cl2cm.engine.io.AtomicFile.writeString(profileFile, tables.toString());
        } catch (IOException e) {
            log.println("profile: " + profileFile + " not written: " + Main.describe(e));
        }
    }

    /** Removes the hooks and writes the trace. */
    @Override
    public void close() throws IOException {
        hooks.forEach(HookHandle::close);
        if (profiling != null) {   // a step that failed
            profiling.close();
        }
        if (recorder != null) {
            recorder.write(traceFile);
            log.printf("trace: %d events (steps %d..%d of each stage) -> %s%n", recorder.size(), window.first(),
                    window.last(), traceFile);
        }
    }
}
