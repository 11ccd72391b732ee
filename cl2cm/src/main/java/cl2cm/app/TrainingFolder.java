package cl2cm.app;

import cl2cm.config.Cl2cmConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Claims a run folder for training, after every input has been validated and before anything is written into it:
 * the folder is locked ({@link RunLock}); a folder that already holds a run is refused unless {@code --resume}
 * continues it with the same config or {@code --overwrite} replaces it; temporary files that a killed writer left
 * behind are removed (safe, since the lock says no other process writes here).
 */
final class TrainingFolder {
    private TrainingFolder() {
    }

    static RunLock claim(Path out, Cl2cmConfig cfg, boolean resume, boolean overwrite) throws IOException {
        if (resume && overwrite) {
            throw new IllegalArgumentException("--resume and --overwrite contradict each other: choose one");
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IOException(out + ": --out must be a folder, but a file of that name exists");
        }
        RunLock lock = RunLock.acquire(out);
        try {
            Path saved = out.resolve("config.json");
            List<Path> artefacts = artefacts(out);
            if (resume && Files.exists(saved)) {
                String diff = Cl2cmConfig.firstDifference(Cl2cmConfig.load(saved), cfg);
                if (diff != null) {
                    throw new IllegalArgumentException(out + ": --resume needs the run's own config, but " + diff
                            + " (resume with --config " + saved + ", or start over with --overwrite)");
                }
            } else if (!resume && !overwrite && !artefacts.isEmpty()) {
                throw new IllegalArgumentException(out + ": already holds a run (" + artefacts.size() + " files such "
                        + "as " + out.relativize(artefacts.get(0)) + "); --resume continues it, --overwrite replaces "
                        + "it, or choose another --out");
            }
            if (overwrite) {
                for (Path p : artefacts) {
                    Files.delete(p);
                }
            }
            removeStaleTemporaries(out);
            return lock;
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** The files a training run writes: config, vocabulary, metrics, history, checkpoints, weights, also per seed. */
    static List<Path> artefacts(Path out) throws IOException {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> s = Files.walk(out, 2)) {
            s.filter(Files::isRegularFile)
                    .filter(p -> p.getParent().equals(out) || p.getParent().getFileName().toString().matches("seed-?\\d+"))
                    .filter(p -> {
                        String n = p.getFileName().toString();
                        return n.equals("config.json") || n.equals("vocab.txt") || n.equals("metrics.json")
                                || n.equals(cl2cm.train.Experiment.HISTORY) || n.endsWith(".safetensors");
                    })
                    .sorted(Comparator.comparing(Path::toString))
                    .forEach(found::add);
        }
        return found;
    }

    /** Removes {@code .NAME.*.tmp} files (AtomicFile's temporaries) that a killed writer left in the folder. */
    private static void removeStaleTemporaries(Path out) throws IOException {
        try (Stream<Path> s = Files.walk(out, 2)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith(".") && n.endsWith(".tmp")) {
                    Files.delete(p);
                }
            }
        }
    }
}
