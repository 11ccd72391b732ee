package cl2cm.data.tf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorBundleTest {
    @TempDir
    Path dir;

    /** The real index of the mBERT SavedModel (8.6 KB, written by TensorFlow), against a sparse stand-in data file. */
    @Test
    void readsTheRealMbertIndex() throws IOException {
        byte[] index;
        try (var in = getClass().getResourceAsStream("/tf/mbert-variables.index")) {
            index = in.readAllBytes();
        }
        Path data = dir.resolve("variables.data-00000-of-00001");
        try (RandomAccessFile f = new RandomAccessFile(data.toFile(), "rw")) {
            f.setLength(714_260_460L); // the real data file's size; sparse, so free
        }
        TensorBundle b = TensorBundle.parse(index, List.of(data), "mbert index");
        Map<String, TensorBundle.Entry> e = b.entries();
        assertEquals(204, e.size());
        TensorBundle.Entry q = e.get("module/bert/encoder/layer_11/attention/self/query/kernel");
        assertEquals(TensorBundle.DT_FLOAT, q.dtype());
        assertArrayEquals(new long[]{768, 768}, q.shape());
        assertArrayEquals(new long[]{119547, 768}, e.get("module/bert/embeddings/word_embeddings").shape());
        assertArrayEquals(new long[]{3072}, e.get("module/bert/encoder/layer_0/intermediate/dense/bias").shape());
        long total = e.values().stream().mapToLong(TensorBundle.Entry::size).sum();
        assertEquals(714_260_460L, total, "the tensors tile the data file");

        // Too small a data file: the entries point past its end.
        Path small = dir.resolve("small.data");
        Files.write(small, new byte[100]);
        IOException err = assertThrows(IOException.class, () -> TensorBundle.parse(index, List.of(small), "x"));
        assertTrue(err.getMessage().contains("past the end"), err.getMessage());
    }

    @Test
    void readsValuesAcrossBlocksAndRestartPoints() throws IOException {
        TensorBundleWriter w = new TensorBundleWriter();
        for (int i = 0; i < 9; i++) {
            float[] v = new float[i + 1];
            for (int j = 0; j < v.length; j++) {
                v[j] = i * 10 + j + 0.5f;
            }
            w.add("scope/layer_" + i + "/kernel", v, 1, i + 1);
        }
        w.write(dir, 4, 3);
        TensorBundle b = TensorBundle.open(dir, "variables");
        assertEquals(9, b.entries().size());
        assertArrayEquals(new float[]{70.5f, 71.5f, 72.5f, 73.5f, 74.5f, 75.5f, 76.5f, 77.5f},
                b.readFloats("scope/layer_7/kernel"));
        assertArrayEquals(new long[]{1, 3}, b.entries().get("scope/layer_2/kernel").shape());
    }

    @Test
    void corruptDataFailsTheChecksum() throws IOException {
        new TensorBundleWriter().add("w", new float[]{1, 2, 3}, 3).write(dir, 8, 16);
        Path data = dir.resolve("variables.data-00000-of-00001");
        byte[] bytes = Files.readAllBytes(data);
        bytes[5] ^= 1;
        Files.write(data, bytes);
        IOException e = assertThrows(IOException.class, () -> TensorBundle.open(dir, "variables").readFloats("w"));
        assertTrue(e.getMessage().contains("checksum mismatch in tensor w"), e.getMessage());
    }

    @Test
    void malformedIndexNamesTheFile() throws IOException {
        new TensorBundleWriter().add("w", new float[]{1}, 1).write(dir, 8, 16);
        Path index = dir.resolve("variables.index");
        byte[] bytes = Files.readAllBytes(index);
        bytes[bytes.length - 1] ^= 1; // break the magic number
        Files.write(index, bytes);
        IOException e = assertThrows(IOException.class, () -> TensorBundle.open(dir, "variables"));
        assertTrue(e.getMessage().contains(index.toString()) && e.getMessage().contains("magic"), e.getMessage());
        assertThrows(IOException.class, () -> TensorBundle.open(dir.resolve("nope"), "variables"));
    }

    @Test
    void unknownTensorAndWrongDtypeAreClearErrors() throws IOException {
        new TensorBundleWriter().add("w", new float[]{1}, 1).write(dir, 8, 16);
        IOException e = assertThrows(IOException.class, () -> TensorBundle.open(dir, "variables").readFloats("v"));
        assertTrue(e.getMessage().contains("no tensor 'v'"), e.getMessage());
    }
}
