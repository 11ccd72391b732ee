package cl2cm.app;

import cl2cm.model.Networks;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** Options shared by the commands that use a trained model (eval, search, export): run folder, model, split. */
final class ModelOptions {
    @Option(names = "--run", description = "run folder (from demo or train)")
    Path run;

    @Option(names = "--model", defaultValue = "cl2cm", description = "cl2cm or baseline (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--split", defaultValue = "test", description = "val or test (default: ${DEFAULT-VALUE})")
    String split;

    /** The run folder, reopened (progress goes to standard error so standard output stays clean). */
    RunFolder open() throws IOException {
        return RunFolder.open(run(), System.err);
    }

    /** The --run folder; commands that need one call this (search can do without). */
    Path run() {
        if (run == null) {
            throw new IllegalArgumentException("missing --run DIR: the run folder (from demo or train)");
        }
        return run;
    }

    Networks.CrossModal load(RunFolder rf) throws IOException {
        return rf.crossModal(model);
    }
}
