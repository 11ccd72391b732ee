package cl2cm.app;

import cl2cm.config.Cl2cmConfig;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** Options shared by the commands that train (demo, train): the config file, resuming and the device. */
final class TrainingOptions {
    @Option(names = "--config", description = "JSON config; fields left out keep the demo defaults")
    Path config;

    @Option(names = "--resume", description = "continue interrupted training from the last checkpoints in the run folder")
    boolean resume;

    @Option(names = "--overwrite", description = "replace the run already in the output folder (its config, "
            + "checkpoints and weights are deleted once every input has been checked)")
    boolean overwrite;

    @Option(names = "--anomaly", description = "check every op's output and every gradient for NaN/Inf and stop at "
            + "the first, naming the op, its shapes, modules and source line, with its inputs saved in the run "
            + "folder (slow; implies --eager)")
    boolean anomaly;

    @Option(names = "--profile", description = "print after each stage where its time went: per op type, forward "
            + "and backward, with GFLOP/s of products (CPU), or per kernel in GPU time (CUDA); implies --eager")
    boolean profile;

    @Option(names = "--trace", description = "write a Chrome trace-event file (Perfetto, chrome://tracing) of the "
            + "--trace-steps of every stage: ops per thread, forward and backward, steps, tensor memory; implies --eager")
    Path trace;

    @Option(names = "--trace-steps", defaultValue = "1..2", description = "optimizer steps of each stage to trace, "
            + "FIRST..LAST from 1 (default: ${DEFAULT-VALUE})")
    String traceSteps;

    @picocli.CommandLine.Mixin
    DeviceOptions device = new DeviceOptions();

    /**
     * Whether training steps are recorded once and replayed (CUDA); anomaly mode's host reads and the instruments'
     * per-op hooks need every step to run its Java code, so they rule it out.
     */
    boolean replaySteps(cl2cm.engine.backend.Backend be) {
        return !anomaly && !profile && trace == null && device.replaySteps(be);
    }

    /** Checks --trace and --trace-steps; returns the window. Call before the run folder is claimed. */
    StepWindow checkInstruments() {
        StepWindow window = StepWindow.parse("--trace-steps", traceSteps, 0);
        if (trace != null && java.nio.file.Files.isDirectory(trace)) {
            throw new IllegalArgumentException("--trace " + trace + " is a folder; give a file name");
        }
        return window;
    }

    /** The profiler and tracer asked for, their hooks on until it is closed (which writes the trace). */
    TrainingInstruments instruments(cl2cm.engine.backend.Backend be, java.io.PrintStream log) {
        return new TrainingInstruments(profile, trace, checkInstruments(), be, log);
    }

    /** Anomaly mode for the run when asked for (close the handle to turn it off), else null. */
    cl2cm.engine.autograd.HookHandle anomalyMode(Path runFolder) {
        return anomaly ? cl2cm.engine.autograd.Anomaly.enable(runFolder) : null;
    }

    /** The config file's settings, or the defaults when none is given. */
    Cl2cmConfig loadConfig() throws IOException {
        return config == null ? Cl2cmConfig.defaults() : Cl2cmConfig.load(config);
    }
}
