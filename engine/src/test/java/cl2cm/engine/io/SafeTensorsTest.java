package cl2cm.engine.io;

import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeTensorsTest {
    @TempDir
    Path dir;

    private Path writeSample() throws IOException {
        Map<String, Tensor> ts = new LinkedHashMap<>();
        ts.put("encoder.layer.0.weight", Tensor.of(new float[]{1.5f, -2, 3, 4.25f, 5, 6}, 2, 3));
        ts.put("bias", Tensor.of(new double[]{0.1, 0.2}, DType.F64, 2));
        ts.put("scalar", Tensor.of(new float[]{7}));
        Path f = dir.resolve("model.safetensors");
        SafeTensors.write(f, ts, Map.of("format", "pt"));
        return f;
    }

    @Test
    void roundTripKeepsNamesShapesDtypesAndMetadata() throws IOException {
        Path f = writeSample();
        try (SafeTensors.Reader r = SafeTensors.open(f)) {
            assertEquals("pt", r.metadata().get("format"));
            assertEquals("F64", r.entries().get("bias").dtype());
            assertArrayEquals(new int[]{2, 3}, r.entries().get("encoder.layer.0.weight").shape());
            assertArrayEquals(new float[]{1.5f, -2, 3, 4.25f, 5, 6}, r.tensor("encoder.layer.0.weight").toFloatArray());
            assertArrayEquals(new double[]{0.1, 0.2}, r.tensor("bias", DType.F64, cl2cm.engine.backend.Devices.cpu())
                    .toDoubleArray());
            assertEquals(0, r.tensor("scalar").rank());
        }
        // The layout the spec prescribes: header length, then an 8-byte aligned JSON header.
        byte[] bytes = Files.readAllBytes(f);
        long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLen % 8);
        assertEquals(8 + headerLen + 6 * 4 + 2 * 8 + 4, bytes.length);
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary files left behind");
        }
    }

    @Test
    void float16StorageRoundsFloat32AndLeavesFloat64Alone() throws IOException {
        Map<String, Tensor> ts = new LinkedHashMap<>();
        ts.put("w", Tensor.of(new float[]{1.5f, -2.001953125f, 0.1f, 65504f}, 4));
        ts.put("bias", Tensor.of(new double[]{0.1, 0.2}, DType.F64, 2));
        Path f = dir.resolve("half.safetensors");
        SafeTensors.write(f, ts, null, true);
        try (SafeTensors.Reader r = SafeTensors.open(f)) {
            assertEquals("F16", r.entries().get("w").dtype());
            assertEquals("F64", r.entries().get("bias").dtype());
            // 1.5, -2.001953125 and 65504 are exact in float16; 0.1 rounds to the nearest float16.
            assertArrayEquals(new float[]{1.5f, -2.001953125f, Float.float16ToFloat(Float.floatToFloat16(0.1f)), 65504f},
                    r.tensor("w").toFloatArray());
            assertArrayEquals(new double[]{0.1, 0.2}, r.tensor("bias", DType.F64, cl2cm.engine.backend.Devices.cpu())
                    .toDoubleArray());
        }
        IOException e = assertThrows(IOException.class, () -> SafeTensors.write(dir.resolve("big.safetensors"),
                Map.of("too.big", Tensor.of(new float[]{1f, 70000f}, 2)), null, true));
        assertTrue(e.getMessage().contains("too.big") && e.getMessage().contains("element 1"), e.getMessage());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "the failed write left no file behind");
        }
    }

    @Test
    void aFlippedDataByteIsCaughtByTheChecksum() throws IOException {
        Path f = writeSample();
        try (SafeTensors.Reader r = SafeTensors.open(f)) {
            assertEquals(64, r.metadata().get(SafeTensors.CHECKSUM_KEY).length());
        }
        byte[] bytes = Files.readAllBytes(f);
        bytes[bytes.length - 3] ^= 0x10;   // one bit of the last tensor's data
        Files.write(f, bytes);
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("SHA-256"), e.getMessage());
    }

    @Test
    void identicalWeightsGiveIdenticalFiles() throws IOException {
        Map<String, Tensor> ts = Map.of("w", Tensor.of(new float[]{1, 2, 3}, 3));
        Map<String, String> meta1 = new LinkedHashMap<>();
        meta1.put("epoch", "3");
        meta1.put("best", "0.5");
        Map<String, String> meta2 = new LinkedHashMap<>();
        meta2.put("best", "0.5");
        meta2.put("epoch", "3");
        SafeTensors.write(dir.resolve("a.safetensors"), ts, meta1);
        SafeTensors.write(dir.resolve("b.safetensors"), ts, meta2);
        assertArrayEquals(Files.readAllBytes(dir.resolve("a.safetensors")),
                Files.readAllBytes(dir.resolve("b.safetensors")));
    }

    @Test
    void filesWithoutAChecksumStillLoad() throws IOException {
        // A file as other writers make it: no data_sha256 in the metadata (or no metadata at all).
        byte[] json = "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}".getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json).putFloat(2.5f);
        Path f = dir.resolve("plain.safetensors");
        Files.write(f, b.array());
        assertEquals(2.5, SafeTensors.read(f).get("x").item());
    }

    @Test
    void truncatedFileIsAClearError() throws IOException {
        Path f = writeSample();
        byte[] bytes = Files.readAllBytes(f);
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 5));
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(cut));
        assertTrue(e.getMessage().contains("cut.safetensors") && e.getMessage().contains("truncated"), e.getMessage());
        Files.write(cut, new byte[]{1, 2, 3});
        e = assertThrows(IOException.class, () -> SafeTensors.read(cut));
        assertTrue(e.getMessage().contains("shorter than"), e.getMessage());
    }

    @Test
    void corruptHeaderWrongDtypeAndMissingTensorAreClearErrors() throws IOException {
        Path bad = dir.resolve("bad.safetensors");
        byte[] json = "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]".getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json).putLong(0);
        Files.write(bad, b.array());
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(bad));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());

        byte[] json2 = "{\"a\": {\"dtype\": \"Q7\", \"shape\": [2], \"data_offsets\": [0, 8]}}".getBytes(StandardCharsets.UTF_8);
        ByteBuffer b2 = ByteBuffer.allocate(8 + json2.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        b2.putLong(json2.length).put(json2).putLong(0);
        Files.write(bad, b2.array());
        e = assertThrows(IOException.class, () -> SafeTensors.read(bad));
        assertTrue(e.getMessage().contains("unsupported dtype Q7"), e.getMessage());

        Path f = writeSample();
        try (SafeTensors.Reader r = SafeTensors.open(f)) {
            e = assertThrows(IOException.class, () -> r.tensor("decoder.weight"));
            assertTrue(e.getMessage().contains("no tensor named 'decoder.weight'"), e.getMessage());
            e = assertThrows(IOException.class, () -> r.ints("bias"));
            assertTrue(e.getMessage().contains("expected an integer type"), e.getMessage());
        }
    }

    @Test
    void readsHalfPrecisionAndIntegers() throws IOException {
        String json = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                + "\"bf\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[4,6]},"
                + "\"i\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[6,22]}}";
        byte[] jb = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + jb.length + 22).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(jb.length).put(jb);
        b.putShort(Float.floatToFloat16(1.5f)).putShort(Float.floatToFloat16(-2f));
        b.putShort((short) (Float.floatToIntBits(3.0f) >>> 16));
        b.putLong(42).putLong(-7);
        Path f = dir.resolve("mixed.safetensors");
        Files.write(f, b.array());
        try (SafeTensors.Reader r = SafeTensors.open(f)) {
            assertArrayEquals(new float[]{1.5f, -2f}, r.tensor("h").toFloatArray());
            assertArrayEquals(new float[]{3f}, r.tensor("bf").toFloatArray());
            assertArrayEquals(new int[]{42, -7}, r.ints("i"));
        }
    }

    @Test
    void writtenFilesAreReadableLikeAnyNewFile() throws IOException {
        Path f = writeSample();
        if (f.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(f)), "not the owner-only mode of temp files");
        }
    }

    @Test
    void failedWriteLeavesTheOldFileIntact() throws IOException {
        Path f = writeSample();
        byte[] before = Files.readAllBytes(f);
        assertThrows(IOException.class, () -> AtomicFile.write(f, out -> {
            out.write(new byte[]{1, 2, 3});
            throw new IOException("disk full (simulated)");
        }));
        assertArrayEquals(before, Files.readAllBytes(f));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }
}
