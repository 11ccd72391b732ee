package cl2cm.app.data;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** {@code --overwrite} for the commands that write datasets or model folders: without it, nothing is replaced. */
final class OverwriteOption {
    @Option(names = "--overwrite", description = "replace what exists at the destination (default: refuse)")
    boolean overwrite;

    /** Writes a dataset in the NRCCR layout under {@code root}, refusing to replace its collection unasked. */
    void writeDataset(cl2cm.data.Dataset ds, Path root) throws IOException {
        refuseExisting(root.resolve(ds.collection()), "dataset");
        cl2cm.data.io.NrccrLayout.write(ds, root);
    }

    /** Fails when {@code target} (a file, or a non-empty folder) exists and --overwrite was not given. */
    void refuseExisting(Path target, String what) throws IOException {
        if (overwrite || !Files.exists(target)) {
            return;
        }
        if (Files.isDirectory(target)) {
            try (Stream<Path> s = Files.list(target)) {
                if (s.findAny().isEmpty()) {
                    return;
                }
            }
        }
        throw new IOException(target + ": " + what + " exists already; add --overwrite to replace it");
    }
}
