package cl2cm.data.io;

import cl2cm.data.Dataset;
import cl2cm.data.Split;
import cl2cm.data.synth.SyntheticScenes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NrccrLayoutTest {
    @TempDir
    Path root;

    private Dataset small() {
        return SyntheticScenes.generate(SyntheticScenes.Config.defaults().withSizes(6, 3, 3));
    }

    @Test
    void roundTripKeepsCaptionsAndPixels() throws IOException {
        Dataset ds = small();
        NrccrLayout.write(ds, root);
        assertTrue(Files.exists(root.resolve("synthscenes/TextData/synthscenestrain_en2de.caption.txt")));
        assertTrue(Files.exists(root.resolve("synthscenes/images/test000000.png")));
        Dataset back = NrccrLayout.read(root, "synthscenes", NrccrLayout.Visuals.IMAGES, 32);
        for (String split : List.of("train", "val", "test")) {
            Split a = ds.split(split);
            Split b = back.split(split);
            assertEquals(a.ids(), b.ids());
            for (String tag : a.tags()) {
                assertEquals(a.captions(tag), b.captions(tag), split + " " + tag);
            }
            for (int i = 0; i < a.size(); i++) {
                assertArrayEquals(a.images().chw(i), b.images().chw(i), "PNG is lossless");
            }
        }
    }

    @Test
    void bigFileFeaturesRoundTripAndAreChecked() throws IOException {
        Path dir = root.resolve("feats");
        float[][] rows = {{1, 2, 3}, {4, 5, 6}};
        NrccrLayout.writeBigFile(dir, List.of("a", "b"), rows);
        assertArrayEquals(new float[]{4, 5, 6}, NrccrLayout.readBigFile(dir, List.of("b", "a"))[0]);
        IOException e = assertThrows(IOException.class, () -> NrccrLayout.readBigFile(dir, List.of("c")));
        assertTrue(e.getMessage().contains("no features for captioned visual id 'c'"), e.getMessage());
        Files.writeString(dir.resolve("shape.txt"), "2 4\n");
        e = assertThrows(IOException.class, () -> NrccrLayout.readBigFile(dir, List.of("a")));
        assertTrue(e.getMessage().contains("wrong feature dimension or truncated"), e.getMessage());
    }

    /** .npy files written by NumPy 2.4 (src/test/resources/npy): the N x D form of features, in split-id order. */
    @Test
    void npyFeaturesAreReadAndChecked() throws Exception {
        Path npyDir = Path.of(getClass().getResource("/npy").toURI());
        float[][] m = Npy.readMatrix(npyDir.resolve("f32.npy"));
        assertArrayEquals(new float[]{4.5f, 5.5f}, m[2]);
        IOException f64 = assertThrows(IOException.class, () -> Npy.readMatrix(npyDir.resolve("f64.npy")));
        assertTrue(f64.getMessage().contains("expected float32"), f64.getMessage());
        IOException fortran = assertThrows(IOException.class, () -> Npy.readMatrix(npyDir.resolve("fortran.npy")));
        assertTrue(fortran.getMessage().contains("Fortran-ordered"), fortran.getMessage());

        Path feats = root.resolve("FeatureData");
        Files.createDirectories(feats);
        Files.copy(npyDir.resolve("f32.npy"), feats.resolve("test.npy"));
        assertArrayEquals(new float[]{2.5f, 3.5f}, NrccrLayout.readFeatures(feats, "test", List.of("x", "y", "z"))[1]);
        IOException rows = assertThrows(IOException.class,
                () -> NrccrLayout.readFeatures(feats, "test", List.of("x", "y")));
        assertTrue(rows.getMessage().contains("3 rows, but split test has 2"), rows.getMessage());
    }

    /** Video: frame rows in the BigFile, grouped by NRCCR's video2frames.txt and mean-pooled per video. */
    @Test
    void videoFeaturesAreTheMeanOfTheirFrames() throws IOException {
        Path feats = root.resolve("FeatureData");
        NrccrLayout.writeBigFile(feats.resolve("test"), List.of("v1_0", "v1_1", "v2_0", "v9_0"),
                new float[][]{{1, 2}, {3, 4}, {10, 20}, {7, 7}});
        Files.writeString(feats.resolve("test/video2frames.txt"), "{'v1': ['v1_0', 'v1_1'], 'v2': ['v2_0']}");
        float[][] v = NrccrLayout.readFeatures(feats, "test", List.of("v2", "v1"));
        assertArrayEquals(new float[]{10, 20}, v[0]);
        assertArrayEquals(new float[]{2, 3}, v[1]);
        IOException e = assertThrows(IOException.class, () -> NrccrLayout.readFeatures(feats, "test", List.of("v9")));
        assertTrue(e.getMessage().contains("no frames listed for captioned video 'v9'"), e.getMessage());
    }

    /** Video as sequences: each video's frames in order, batched with padding, a mask and at most MAX_FRAMES. */
    @Test
    void videoFramesAreReadAsSequencesAndBatchedWithAMask() throws IOException {
        Path feats = root.resolve("FeatureData");
        List<String> frameIds = new java.util.ArrayList<>();
        List<float[]> rows = new java.util.ArrayList<>();
        StringBuilder dict = new StringBuilder("{'v1': ['v1_0', 'v1_1'], 'v2': ['v2_0'], 'long': [");
        frameIds.addAll(List.of("v1_0", "v1_1", "v2_0"));
        rows.addAll(List.of(new float[]{1, 2}, new float[]{3, 4}, new float[]{10, 20}));
        for (int f = 0; f < 100; f++) {
            frameIds.add("long_" + f);
            rows.add(new float[]{f, -f});
            dict.append(f == 0 ? "" : ", ").append("'long_").append(f).append('\'');
        }
        NrccrLayout.writeBigFile(feats.resolve("test"), frameIds, rows.toArray(new float[0][]));
        Files.writeString(feats.resolve("test/video2frames.txt"), dict.append("]}").toString());
        float[][][] v = NrccrLayout.readFrames(feats, "test", List.of("v2", "v1", "long"));
        assertEquals(1, v[0].length);
        assertArrayEquals(new float[]{3, 4}, v[1][1]);
        assertEquals(100, v[2].length);

        cl2cm.data.Split split = new cl2cm.data.Split("test", List.of("v2", "v1", "long"), null, null, v, List.of());
        cl2cm.data.VisualBatch small = split.visualBatch(new int[]{1, 0});
        assertArrayEquals(new int[]{2, 2, 2}, small.input().shape());
        assertArrayEquals(new float[]{1, 2, 3, 4, 10, 20, 0, 0}, small.input().toFloatArray());
        assertArrayEquals(new float[]{1, 1, 1, 0}, small.mask().toFloatArray());
        cl2cm.data.VisualBatch big = split.visualBatch(new int[]{2});
        assertArrayEquals(new int[]{1, cl2cm.data.Split.MAX_FRAMES, 2}, big.input().shape());
        float[] x = big.input().toFloatArray();
        assertEquals(0f, x[0]);
        assertEquals(99f, x[2 * (cl2cm.data.Split.MAX_FRAMES - 1)], 2f, "evenly spaced frames reach the end");

        IOException e = assertThrows(IOException.class, () -> NrccrLayout.readFrames(feats, "val", List.of("v1")));
        assertTrue(e.getMessage().contains("video2frames.txt: missing"), e.getMessage());
    }

    private Path captions(String name, String content) throws IOException {
        Path text = root.resolve("c/TextData");
        Files.createDirectories(text);
        Path f = text.resolve(name);
        Files.writeString(f, content);
        return f;
    }

    @Test
    void malformedLinesNameFileAndLine() throws IOException {
        captions("ctrain_en.caption.txt", "x1#en#0 a red circle\nx2 no tag here\n");
        IOException e = assertThrows(IOException.class, () -> NrccrLayout.read(root, "c", NrccrLayout.Visuals.NONE, 32));
        assertTrue(e.getMessage().contains("ctrain_en.caption.txt:2: expected '<visual_id>#<tag>#<k> <caption>'"),
                e.getMessage());
    }

    @Test
    void duplicateCaptionIdsWrongTagsAndBadUtf8AreErrors() throws IOException {
        Path f = captions("ctrain_en.caption.txt", "x1#en#0 a red circle\nx1#en#0 again\n");
        IOException e = assertThrows(IOException.class, () -> NrccrLayout.read(root, "c", NrccrLayout.Visuals.NONE, 32));
        assertTrue(e.getMessage().contains("duplicate caption id x1#en#0"), e.getMessage());
        Files.writeString(f, "x1#de#0 ein roter Kreis\n");
        e = assertThrows(IOException.class, () -> NrccrLayout.read(root, "c", NrccrLayout.Visuals.NONE, 32));
        assertTrue(e.getMessage().contains(":1: caption tag 'de' in a file for tag 'en'"), e.getMessage());
        Files.write(f, new byte[]{'x', '#', 'e', 'n', '#', '0', ' ', 'o', 'k', '\n', 'x', '2', '#', 'e', 'n', '#', '0', ' ', (byte) 0xff, '\n'});
        e = assertThrows(IOException.class, () -> NrccrLayout.read(root, "c", NrccrLayout.Visuals.NONE, 32));
        assertTrue(e.getMessage().contains("ctrain_en.caption.txt:2: not valid UTF-8"), e.getMessage());
    }

    @Test
    void missingImagesAndItemsInTwoSplitsAreErrors() throws IOException {
        captions("ctrain_en.caption.txt", "x1#en#0 a red circle\n");
        IOException e = assertThrows(IOException.class, () -> NrccrLayout.read(root, "c", NrccrLayout.Visuals.IMAGES, 32));
        assertTrue(e.getMessage().contains("no image x1.png or .jpg"), e.getMessage());
        captions("ctest_en.caption.txt", "x1#en#0 the same item again\n");
        e = assertThrows(IOException.class, () -> NrccrLayout.read(root, "c", NrccrLayout.Visuals.NONE, 32));
        assertTrue(e.getMessage().contains("is in both split"), e.getMessage());
    }
}
