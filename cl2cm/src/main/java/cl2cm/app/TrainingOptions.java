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

    @picocli.CommandLine.Mixin
    DeviceOptions device = new DeviceOptions();

    /** The config file's settings, or the defaults when none is given. */
    Cl2cmConfig loadConfig() throws IOException {
        return config == null ? Cl2cmConfig.defaults() : Cl2cmConfig.load(config);
    }
}
