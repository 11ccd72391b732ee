package cl2cm.data.io;

import cl2cm.data.Dataset;
import cl2cm.data.synth.SyntheticScenes;
import cl2cm.data.text.Vocab;
import cl2cm.engine.Fuzz;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Thousands of mutated inputs per reader of the data layer (vocabularies, .npy arrays, NRCCR caption files, BigFile
 * features, PNG pictures), each ending in a result or a clear, typed error naming the file (see {@link Fuzz}).
 */
class ReadersFuzzTest {
    private static Path root;
    private static Path dataset;
    private static byte[] captions;
    private static byte[] picture;
    private static byte[] featureBin;
    private static byte[] shapeTxt;
    private static List<String> testIds;

    @BeforeContainer
    static void writeValidInputs() throws IOException {
        root = Files.createTempDirectory("fuzz");
        Dataset ds = SyntheticScenes.generate(new SyntheticScenes.Config(4, 2, 3, 16, List.of("de"), 0.4, 0.5, 1));
        NrccrLayout.write(ds, root);
        dataset = root.resolve(ds.collection());
        captions = Files.readAllBytes(NrccrLayout.captionFile(root, ds.collection(), "train", "en"));
        try (Stream<Path> s = Files.list(dataset.resolve("images"))) {
            picture = Files.readAllBytes(s.sorted().findFirst().orElseThrow());
        }
        testIds = ds.split("test").ids();
        float[][] rows = new float[testIds.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new float[]{i, 0.5f, -1, 2};
        }
        Path feats = root.resolve("features");
        NrccrLayout.writeBigFile(feats, testIds, rows);
        featureBin = Files.readAllBytes(feats.resolve("feature.bin"));
        shapeTxt = Files.readAllBytes(feats.resolve("shape.txt"));
    }

    @AfterContainer
    static void removeInputs() throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Provide
    Arbitrary<byte[]> vocabularies() {
        return Fuzz.mutationsOf("[PAD]\n[UNK]\n[CLS]\n[SEP]\nein\n##er\nrot\nKreis\n".getBytes(StandardCharsets.UTF_8));
    }

    @Property(seed = Fuzz.SEED)
    void vocabularies(@ForAll("vocabularies") byte[] bytes) {
        Fuzz.readsCleanly("vocab.txt", () -> Vocab.read(new ByteArrayInputStream(bytes), "vocab.txt"));
    }

    @Provide
    Arbitrary<byte[]> npyArrays() throws IOException {
        try (var in = ReadersFuzzTest.class.getResourceAsStream("/npy/f32.npy")) {
            return Fuzz.mutationsOf(in.readAllBytes());
        }
    }

    @Property(seed = Fuzz.SEED)
    void npyArrays(@ForAll("npyArrays") byte[] bytes) throws IOException {
        Path f = root.resolve("fuzz.npy");
        Files.write(f, bytes);
        Fuzz.readsCleanly("fuzz.npy", () -> Npy.readMatrix(f));
    }

    @Provide
    Arbitrary<byte[]> captionFiles() {
        return Fuzz.mutationsOf(captions);
    }

    @Property(seed = Fuzz.SEED)
    void captionFiles(@ForAll("captionFiles") byte[] bytes) throws IOException {
        Path f = NrccrLayout.captionFile(root, dataset.getFileName().toString(), "train", "en");
        Files.write(f, bytes);
        try {
            Fuzz.readsCleanly(dataset.toString(), () -> NrccrLayout.read(root, dataset.getFileName().toString(),
                    NrccrLayout.Visuals.NONE, 16));
        } finally {
            Files.write(f, captions);
        }
    }

    @Provide
    Arbitrary<byte[]> pictures() {
        return Fuzz.mutationsOf(picture);
    }

    @Property(tries = 100, seed = Fuzz.SEED)
    void pictures(@ForAll("pictures") byte[] bytes) throws IOException {
        Path f;
        try (Stream<Path> s = Files.list(dataset.resolve("images"))) {
            f = s.sorted().findFirst().orElseThrow();
        }
        Files.write(f, bytes);
        try {
            Fuzz.readsCleanly(f.getFileName().toString(), () -> NrccrLayout.read(root,
                    dataset.getFileName().toString(), NrccrLayout.Visuals.IMAGES, 16));
        } finally {
            Files.write(f, picture);
        }
    }

    @Provide
    Arbitrary<byte[]> featureFiles() {
        return Fuzz.mutationsOf(featureBin);
    }

    @Property(seed = Fuzz.SEED)
    void bigFileFeatures(@ForAll("featureFiles") byte[] bytes) throws IOException {
        Path dir = root.resolve("features");
        Files.write(dir.resolve("feature.bin"), bytes);
        Fuzz.readsCleanly(dir.toString(), () -> NrccrLayout.readBigFile(dir, testIds));
    }

    @Provide
    Arbitrary<byte[]> shapeFiles() {
        return Fuzz.mutationsOf(shapeTxt);
    }

    @Property(seed = Fuzz.SEED)
    void bigFileShapes(@ForAll("shapeFiles") byte[] bytes) throws IOException {
        Path dir = root.resolve("features");
        Files.write(dir.resolve("feature.bin"), featureBin);
        Files.write(dir.resolve("shape.txt"), bytes);
        try {
            Fuzz.readsCleanly(dir.toString(), () -> NrccrLayout.readBigFile(dir, testIds));
        } finally {
            Files.write(dir.resolve("shape.txt"), shapeTxt);
        }
    }
}
