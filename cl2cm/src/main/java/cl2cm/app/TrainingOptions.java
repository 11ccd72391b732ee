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

    @picocli.CommandLine.Mixin
    InstrumentOptions instrumentOptions = new InstrumentOptions();

    @picocli.CommandLine.Mixin
    DeviceOptions device = new DeviceOptions();

    /**
     * How training steps run (see {@link DeviceOptions#replayPlan}); anomaly mode's host reads and the instruments'
     * per-op timing and hooks need every step to run its Java code, so they rule recording out.
     */
    cl2cm.engine.backend.ReplayPlan replayPlan(cl2cm.engine.backend.Backend be) {
        return device.replayPlan(be)
                .unless(anomaly, "--anomaly reads every op's output on the host")
                .unless(instrumentOptions.profile, "--profile times every op")
                .unless(instrumentOptions.trace != null, "--trace records every op");
    }

    /** Checks --trace and --trace-steps; returns the window. Call before the run folder is claimed. */
    StepWindow checkInstruments() {
        return instrumentOptions.window(0);
    }

    /** The profiler and tracer asked for, their hooks on until it is closed (which writes the trace). */
    TrainingInstruments instruments(cl2cm.engine.backend.Backend be, Path runFolder, java.io.PrintStream log) {
        return new TrainingInstruments(instrumentOptions.profile, instrumentOptions.trace, checkInstruments(), be,
                runFolder, log);
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
