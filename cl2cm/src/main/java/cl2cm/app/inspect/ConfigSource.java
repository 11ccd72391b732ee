package cl2cm.app.inspect;

import cl2cm.app.RunFolder;
import cl2cm.config.Cl2cmConfig;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/** Which model an inspect command looks at: a config file, a run folder's config, or the demo defaults. */
final class ConfigSource {
    @Option(names = "--config", description = "JSON config (fields left out keep the demo defaults)")
    Path config;

    @Option(names = "--run", description = "run folder (from demo or train): its config.json")
    Path run;

    Cl2cmConfig load(PrintStream log) throws IOException {
        if (config != null && run != null) {
            throw new IllegalArgumentException("give --config or --run, not both");
        }
        return run != null ? RunFolder.open(run, log).config : config != null ? Cl2cmConfig.load(config)
                : Cl2cmConfig.defaults();
    }
}
