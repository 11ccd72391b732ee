package cl2cm.app;

import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** --profile, --trace and --trace-steps, as bench, train and demo take them. */
final class InstrumentOptions {
    @Option(names = "--profile", description = "print where the training steps' time goes: on the CPU per op type, "
            + "forward and backward (calls, ms, share, GFLOP/s of products, MB written); on CUDA per kernel, timed by "
            + "CUDA events (steps run eagerly)")
    boolean profile;

    @Option(names = "--trace", description = "write a Chrome trace-event file (Perfetto, chrome://tracing) of the "
            + "--trace-steps: ops per thread, forward and backward, steps, tensor memory (steps run eagerly)")
    Path trace;

    @Option(names = "--trace-steps", defaultValue = "1..2", description = "training steps to trace, FIRST..LAST "
            + "from 1: of each stage (train, demo) or of each stage's timed steps (bench) (default: ${DEFAULT-VALUE})")
    String traceSteps;

    /** --trace-steps (LAST at most {@code max} when it is positive) and --trace, checked before anything runs. */
    StepWindow window(int max) {
        StepWindow w = StepWindow.parse("--trace-steps", traceSteps, max);
        if (trace != null && Files.isDirectory(trace)) {
            throw new IllegalArgumentException("--trace " + trace + " is a folder; give a file name");
        }
        return w;
    }
}
