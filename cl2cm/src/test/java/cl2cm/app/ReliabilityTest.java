package cl2cm.app;

import cl2cm.engine.io.SafeTensors;
import cl2cm.engine.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the CLI promises a careful user: a failing command changes nothing it found, two processes never share a run
 * folder, a broken model is never scored, and every bad input ends in one line naming the file, line or field, with
 * exit status 1 and no stack trace. One tiny trained run is shared by the cases.
 */
class ReliabilityTest {
    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    static final String TINY = """
            {"data": {"train": 48, "val": 16, "test": 16, "imageSize": 16},
             "text": {"hidden": 32, "layers": 1, "heads": 2, "ffn": 64},
             "vision": {"channels": [8, 16]}, "embedDim": 32,
             "stage1": {"epochs": 1, "batch": 16}, "stage2": {"epochs": 1, "batch": 16}}
            """;

    static Path tinyConfig;
    static Path run;

    /** Exit status, standard output and standard error of one CLI call. */
    record Result(int status, String out, String err) {
        /** Asserts a failure reported as one line that contains every fragment, without a stack trace. */
        Result failsWith(String... fragments) {
            assertEquals(1, status, () -> "expected exit 1\nout: " + out + "\nerr: " + err);
            // Progress lines may precede it on standard error; the error is the last line, and only one.
            String[] lines = err.strip().split("\n");
            String line = lines[lines.length - 1];
            assertTrue(line.startsWith("cl2cm "), () -> "the last line is not the error: " + err);
            assertEquals(1, java.util.Arrays.stream(lines).filter(l -> l.startsWith("cl2cm ")).count(),
                    () -> "more than one error line:\n" + err);
            assertFalse(err.contains("\tat ") || err.contains("Exception"), () -> "stack trace or raw exception: " + err);
            for (String f : fragments) {
                assertTrue(line.contains(f), () -> "error lacks '" + f + "': " + line);
            }
            return this;
        }
    }

    static Result cli(InputStream stdin, String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        InputStream oldIn = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        System.setIn(stdin);
        try {
            int status = Main.run(args);
            return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
        }
    }

    static Result cli(String... args) {
        return cli(InputStream.nullInputStream(), args);
    }

    @BeforeAll
    static void trainOneTinyRun() throws IOException {
        tinyConfig = shared.resolve("tiny.json");
        Files.writeString(tinyConfig, TINY);
        run = shared.resolve("run");
        Result r = cli("demo", "--config", tinyConfig.toString(), "--out", run.toString());
        assertEquals(0, r.status(), r.err());
    }

    /** Every file under a folder with its bytes, to prove a failed command changed nothing. */
    static Map<String, String> snapshot(Path folder) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(folder)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(folder.relativize(p).toString(), java.util.HexFormat.of().formatHex(
                        java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return m;
    }

    private Path config(String json) throws IOException {
        Path f = Files.createTempFile(dir, "cfg", ".json");
        Files.writeString(f, json);
        return f;
    }

    // ---- nothing that exists is destroyed ---------------------------------------------------------------------

    @Test
    void aFailingTrainLeavesAFinishedRunUntouched() throws IOException {
        Map<String, String> before = snapshot(run);
        Path other = config(TINY.replace("\"epochs\": 1, \"batch\": 16}}", "\"epochs\": 2, \"batch\": 16}}"));
        cli("train", "--config", other.toString(), "--out", run.toString(), "--device", "gpu").failsWith("gpu");
        cli("train", "--config", tinyConfig.toString(), "--out", run.toString())
                .failsWith(run.toString(), "already holds a run", "--resume", "--overwrite");
        cli("train", "--config", other.toString(), "--out", run.toString(), "--resume")
                .failsWith("--resume needs the run's own config", "stage2.epochs");
        cli("demo", "--config", tinyConfig.toString(), "--out", run.toString(), "--resume", "--overwrite")
                .failsWith("contradict");
        assertEquals(before, snapshot(run), "files of the finished run changed");
        assertEquals(0, cli("eval", "--run", run.toString()).status(), "the run still loads");
    }

    @Test
    void aBusyOrStaleLockIsReportedNotTakenOver() throws Exception {
        Path copy = dir.resolve("locked");
        Files.createDirectories(copy);
        Path lock = copy.resolve(RunLock.FILE);
        // Held by a live process: this JVM, as if another command of ours were training here.
        try (RunLock held = RunLock.acquire(copy)) {
            cli("train", "--config", tinyConfig.toString(), "--out", copy.toString())
                    .failsWith(copy.toString(), "in use by process " + ProcessHandle.current().pid());
            assertTrue(Files.exists(lock));
        }
        assertFalse(Files.exists(lock), "closing the claim removes the lock");
        // Left by a process that is gone (kill -9): reported as stale, and left in place for the user.
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String stale = gone.pid() + " " + java.net.InetAddress.getLocalHost().getHostName() + " 2026-01-01T00:00:00Z\n";
        Files.writeString(lock, stale);
        cli("train", "--config", tinyConfig.toString(), "--out", copy.toString())
                .failsWith("stale lock", lock.toString(), "no longer running");
        assertEquals(stale, Files.readString(lock));
        assertFalse(Files.exists(copy.resolve("config.json")), "nothing was written");
    }

    @Test
    void overwriteReplacesARunAndResumeCleansTemporaries() throws IOException {
        Path copy = dir.resolve("copy");
        assertEquals(0, cli("train", "--config", tinyConfig.toString(), "--out", copy.toString()).status());
        Path orphan = copy.resolve(".cl2cm-last.safetensors.123456.tmp");
        Files.writeString(orphan, "half a checkpoint");
        Files.writeString(copy.resolve("cl2cm-epoch9.safetensors"), "left from a longer run");
        assertEquals(0, cli("train", "--config", tinyConfig.toString(), "--out", copy.toString(), "--resume").status());
        assertFalse(Files.exists(orphan), "a killed writer's temporary file is removed on the next start");
        assertEquals(0, cli("train", "--config", tinyConfig.toString(), "--out", copy.toString(), "--overwrite")
                .status());
        assertFalse(Files.exists(copy.resolve("cl2cm-epoch9.safetensors")), "--overwrite removes the old run's files");
        assertFalse(Files.exists(copy.resolve(RunLock.FILE)), "the lock is released when training ends");
    }

    @Test
    void exportRefusesToReplaceFiles() throws IOException {
        Path best = run.resolve("cl2cm-best.safetensors");
        byte[] weights = Files.readAllBytes(best);
        cli("export", "--run", run.toString(), "--out", best.toString(), "--overwrite")
                .failsWith("file of the run folder");
        Path existing = dir.resolve("emb.safetensors");
        Files.writeString(existing, "precious");
        cli("export", "--run", run.toString(), "--out", existing.toString()).failsWith(existing.toString(), "exists");
        assertEquals("precious", Files.readString(existing));
        assertEquals(0, cli("export", "--run", run.toString(), "--out", existing.toString(), "--overwrite").status());
        assertTrue(java.util.Arrays.equals(weights, Files.readAllBytes(best)));
    }

    @Test
    void importersNeverReplaceADatasetUnasked() throws IOException {
        Path root = dir.resolve("ds");
        assertEquals(0, cli("data", "synth", "--root", root.toString(), "--train", "4", "--val", "2", "--test", "2")
                .status());
        Map<String, String> before = snapshot(root);
        cli("data", "synth", "--root", root.toString(), "--train", "5", "--val", "2", "--test", "2", "--seed", "9")
                .failsWith(root.resolve("synthscenes").toString(), "exists already", "--overwrite");
        assertEquals(before, snapshot(root));
        assertEquals(0, cli("data", "synth", "--root", root.toString(), "--train", "5", "--val", "2", "--test", "2",
                "--overwrite").status());
        assertFalse(before.equals(snapshot(root)), "--overwrite replaced the dataset");
    }

    @Test
    void outMustBeAFolder() throws IOException {
        Path file = dir.resolve("a-file");
        Files.writeString(file, "x");
        cli("train", "--config", tinyConfig.toString(), "--out", file.toString())
                .failsWith(file.toString(), "must be a folder");
        assertEquals("x", Files.readString(file));
    }

    // ---- never report a wrong result as success ---------------------------------------------------------------

    @Test
    void aModelWithNonFiniteWeightsIsNotScored() throws IOException {
        Path copy = dir.resolve("nan-run");
        Files.createDirectories(copy);
        for (String f : new String[]{"config.json", "vocab.txt"}) {
            Files.copy(run.resolve(f), copy.resolve(f));
        }
        Map<String, Tensor> w = new LinkedHashMap<>(SafeTensors.read(run.resolve("cl2cm-best.safetensors")));
        String first = w.keySet().iterator().next();
        float[] v = w.get(first).toFloatArray();
        v[0] = Float.NaN;
        w.put(first, Tensor.of(v, w.get(first).shape()));
        SafeTensors.write(copy.resolve("cl2cm-best.safetensors"), w, Map.of());
        cli("eval", "--run", copy.toString()).failsWith("cl2cm-best.safetensors", first, "NaN", "not scored");
    }

    @Test
    void repeatedSeedsAreRefusedBeforeAnythingIsWritten() {
        Path out = dir.resolve("seeds");
        cli("demo", "--config", tinyConfig.toString(), "--out", out.toString(), "--seeds", "3,3")
                .failsWith("--seeds", "repeats");
        assertFalse(Files.exists(out));
    }

    @Test
    void searchNeedsAQueryTheModelCanRead() {
        cli("search", "--run", run.toString(), "--query", "  ").failsWith("--query is empty");
        cli("search", "--run", run.toString(), "--query", "ζζζ ψψψ").failsWith("vocabulary", "[UNK]");
        cli("search", "--run", run.toString(), "--query", "ein Kreis", "--top", "0").failsWith("--top", "at least 1");
    }

    @Test
    void tokenizeReportsBadInputByLine() throws IOException {
        Path vocab = run.resolve("vocab.txt");
        byte[] input = {'a', '\n', 'b', (byte) 0xC3, '(', '\n'};
        cli(new ByteArrayInputStream(input), "tokenize", "--vocab", vocab.toString())
                .failsWith("line 2", "not valid UTF-8");
        cli("tokenize", "--vocab", vocab.toString(), "--max-len", "-1").failsWith("--max-len", ">= 0");
        Path notGzip = dir.resolve("vocab.txt.gz");
        Files.writeString(notGzip, "[PAD]\n");
        cli("tokenize", "--vocab", notGzip.toString()).failsWith(notGzip.toString(), "gzip");
    }

    // ---- one clear line for every bad input -------------------------------------------------------------------

    @Test
    void configErrorsNameTheField() throws IOException {
        String[][] cases = {
                {"{\"stage1\": null}", "stage1", "null"},
                {"{\"text\": {\"heads\": 0}}", "text.heads", "> 0"},
                {"{\"vision\": {\"channels\": [8, -4]}}", "vision.channels", "positive"},
                {"{\"vision\": {\"channels\": []}}", "vision.channels", "non-empty"},
                {"{\"stage2\": {\"batch\": 2.5}}", "stage2.batch"},
                {"{\"text\": {\"hidden\": \"wide\"}}", "text.hidden"},
                {"{\"seed\": 1} trailing", "trailing"},
        };
        for (String[] c : cases) {
            Path f = config(c[0]);
            String[] want = java.util.Arrays.copyOf(c, c.length);
            want[0] = f.toString();
            Path out = dir.resolve("never");
            cli("train", "--config", f.toString(), "--out", out.toString()).failsWith(want);
            assertFalse(Files.exists(out), "a bad config writes nothing");
        }
    }

    @Test
    void dataErrorsNameTheFileAndLine() throws IOException {
        Path missing = dir.resolve("no-such-root");
        Path cfg = config("{\"data\": {\"dataset\": \"tuxpaint\", \"root\": \"" + missing.toString().replace("\\", "/")
                + "\"}}");
        cli("train", "--config", cfg.toString(), "--out", dir.resolve("o1").toString()).failsWith("no-such-root");
        // A dataset on disk with one malformed caption line.
        Path root = dir.resolve("data");
        assertEquals(0, cli("data", "synth", "--root", root.toString(), "--train", "6", "--val", "3", "--test", "3")
                .status());
        Path captions;
        try (Stream<Path> s = Files.list(root.resolve("synthscenes/TextData"))) {
            captions = s.filter(p -> p.getFileName().toString().contains("train") && p.toString().endsWith("_en.caption.txt"))
                    .findFirst().orElseThrow();
        }
        java.util.List<String> lines = new java.util.ArrayList<>(Files.readAllLines(captions));
        lines.set(1, "no id and no caption\u0007");
        Files.write(captions, lines);
        Path bad = config("{\"data\": {\"dataset\": \"synthscenes\", \"root\": \"" + root.toString().replace("\\", "/")
                + "\"}}");
        Result r = cli("train", "--config", bad.toString(), "--out", dir.resolve("o2").toString())
                .failsWith(captions.getFileName().toString() + ":2:", "expected");
        assertFalse(r.err().contains("\u0007"), "control characters are escaped");
    }

    /** A corruption of a dataset on disk, and what the one-line error must say. */
    private record Corruption(String name, java.util.function.Function<Path, Path> apply, String... expected) {
    }

    @Test
    void everyDataErrorThroughTrainIsOneLineNamingTheFile() throws IOException {
        java.util.List<Corruption> cases = java.util.List.of(
                new Corruption("missing image", ds -> edit(() -> {
                    Path img = firstFile(ds.resolve("images"));
                    Files.delete(img);
                    return img;
                }), "no image"),
                new Corruption("truncated PNG", ds -> edit(() -> {
                    Path img = firstFile(ds.resolve("images"));
                    byte[] b = Files.readAllBytes(img);
                    Files.write(img, java.util.Arrays.copyOf(b, b.length / 2));
                    return img;
                }), "not a readable PNG"),
                new Corruption("not a PNG at all", ds -> edit(() -> {
                    Path img = firstFile(ds.resolve("images"));
                    Files.writeString(img, "GIF89a, honestly");
                    return img;
                }), "not a readable PNG"),
                new Corruption("invalid UTF-8 in captions", ds -> edit(() -> {
                    Path f = captionFile(ds);
                    byte[] b = Files.readAllBytes(f);
                    b[b.length - 3] = (byte) 0xC3;
                    b[b.length - 2] = '(';
                    Files.write(f, b);
                    return f;
                }), "UTF-8"),
                new Corruption("duplicate caption line", ds -> edit(() -> {
                    Path f = captionFile(ds);
                    java.util.List<String> lines = Files.readAllLines(f);
                    lines.add(lines.get(0));
                    Files.write(f, lines);
                    return f;
                })));
        for (Corruption c : cases) {
            Path root = dir.resolve(c.name().replace(' ', '-'));
            assertEquals(0, cli("data", "synth", "--root", root.toString(), "--train", "6", "--val", "3", "--test",
                    "3").status());
            Path broken = c.apply().apply(root.resolve("synthscenes"));
            Path cfg = config("{\"data\": {\"dataset\": \"synthscenes\", \"root\": \""
                    + root.toString().replace("\\", "/") + "\", \"imageSize\": 16}}");
            String[] want = java.util.Arrays.copyOf(c.expected(), c.expected().length + 1);
            want[want.length - 1] = broken.getFileName().toString();
            cli("train", "--config", cfg.toString(), "--out", dir.resolve("out-" + root.getFileName()).toString())
                    .failsWith(want);
            assertFalse(Files.exists(dir.resolve("out-" + root.getFileName())), c.name() + ": nothing was written");
        }
    }

    private interface Edit {
        Path run() throws IOException;
    }

    private static Path edit(Edit e) {
        try {
            return e.run();
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    private static Path firstFile(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.sorted().filter(p -> p.getFileName().toString().startsWith("train")).findFirst().orElseThrow();
        }
    }

    private static Path captionFile(Path ds) throws IOException {
        try (Stream<Path> s = Files.list(ds.resolve("TextData"))) {
            return s.filter(p -> p.getFileName().toString().endsWith("train_en.caption.txt")).findFirst().orElseThrow();
        }
    }

    @Test
    void anomalyModeStopsAtTheFirstNonFiniteOpAndKeepsItsInputs() throws IOException {
        // A learning rate of 1e30 turns the weights into infinities after the first update.
        Path cfg = config(TINY.replace("\"stage1\": {\"epochs\": 1, \"batch\": 16}",
                "\"stage1\": {\"epochs\": 1, \"batch\": 16, \"lr\": 1e30, \"warmupFraction\": 0}"));
        Path out = dir.resolve("anomaly");
        Result r = cli("train", "--config", cfg.toString(), "--out", out.toString(), "--anomaly")
                .failsWith("anomaly in", "op '", "created at", "inputs written to " + out);
        try (Stream<Path> s = Files.list(out)) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().startsWith("anomaly-")), r.err());
        }
    }

    @Test
    void messagesAreOneEscapedLine() {
        assertEquals("bad\\nname\\u0007", Main.escapeControls("bad\nname\u0007"));
        assertEquals("x.json: no such file or folder",
                Main.describe(new java.nio.file.NoSuchFileException("x.json")));
        assertTrue(Main.describe(new NullPointerException("boom")).startsWith("internal error"));
    }
}
