package cl2cm.data.tf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Writes small TF tensor bundles for tests, the way TensorFlow lays them out: a LevelDB table (prefix-compressed
 * keys, a restart point every {@code restartInterval} entries, one data block per {@code blockEntries} entries, an
 * index block and footer) and one data shard with masked CRC32C checksums.
 */
final class TensorBundleWriter {
    private final Map<String, float[]> values = new TreeMap<>();
    private final Map<String, long[]> shapes = new TreeMap<>();

    TensorBundleWriter add(String name, float[] v, long... shape) {
        values.put(name, v);
        shapes.put(name, shape);
        return this;
    }

    void write(Path dir, int blockEntries, int restartInterval) throws IOException {
        Files.createDirectories(dir);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        Map<String, byte[]> entries = new TreeMap<>();
        entries.put("", new byte[]{8, 1}); // BundleHeaderProto: num_shards = 1
        for (String name : values.keySet()) {
            float[] v = values.get(name);
            ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(v);
            CRC32C crc = new CRC32C();
            crc.update(b.array());
            ByteArrayOutputStream e = new ByteArrayOutputStream();
            tagVarint(e, 1, TensorBundle.DT_FLOAT);
            ByteArrayOutputStream shape = new ByteArrayOutputStream();
            for (long d : shapes.get(name)) {
                ByteArrayOutputStream dim = new ByteArrayOutputStream();
                tagVarint(dim, 1, d);
                tagBytes(shape, 2, dim.toByteArray());
            }
            tagBytes(e, 2, shape.toByteArray());
            tagVarint(e, 4, data.size());
            tagVarint(e, 5, v.length * 4L);
            e.write(6 << 3 | 5);
            e.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
                    .putInt(TensorBundle.mask((int) crc.getValue())).array());
            entries.put(name, e.toByteArray());
            data.writeBytes(b.array());
        }
        Files.write(dir.resolve("variables.data-00000-of-00001"), data.toByteArray());

        ByteArrayOutputStream table = new ByteArrayOutputStream();
        TreeMap<String, byte[]> index = new TreeMap<>();
        var keys = new java.util.ArrayList<>(entries.keySet());
        for (int from = 0; from < keys.size(); from += blockEntries) {
            var block = keys.subList(from, Math.min(keys.size(), from + blockEntries));
            long offset = table.size();
            byte[] bytes = block(block, entries, restartInterval);
            table.writeBytes(bytes);
            table.writeBytes(new byte[5]); // trailer: type 0 (uncompressed) + CRC (not checked by the reader)
            ByteArrayOutputStream handle = new ByteArrayOutputStream();
            varint(handle, offset);
            varint(handle, bytes.length);
            index.put(block.get(block.size() - 1), handle.toByteArray());
        }
        long indexOffset = table.size();
        byte[] indexBlock = block(new java.util.ArrayList<>(index.keySet()), index, 1);
        table.writeBytes(indexBlock);
        table.writeBytes(new byte[5]);
        ByteArrayOutputStream footer = new ByteArrayOutputStream();
        varint(footer, 0);
        varint(footer, 0);
        varint(footer, indexOffset);
        varint(footer, indexBlock.length);
        footer.writeBytes(new byte[40 - footer.size()]);
        footer.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0xdb4775248b80fb57L).array());
        table.writeBytes(footer.toByteArray());
        Files.write(dir.resolve("variables.index"), table.toByteArray());
    }

    private static byte[] block(java.util.List<String> keys, Map<String, byte[]> values, int restartInterval) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        java.util.List<Integer> restarts = new java.util.ArrayList<>();
        byte[] prev = new byte[0];
        for (int i = 0; i < keys.size(); i++) {
            byte[] key = keys.get(i).getBytes(StandardCharsets.UTF_8);
            int shared = 0;
            if (i % restartInterval == 0) {
                restarts.add(out.size());
            } else {
                while (shared < Math.min(prev.length, key.length) && prev[shared] == key[shared]) {
                    shared++;
                }
            }
            byte[] value = values.get(keys.get(i));
            varint(out, shared);
            varint(out, key.length - shared);
            varint(out, value.length);
            out.write(key, shared, key.length - shared);
            out.writeBytes(value);
            prev = key;
        }
        ByteBuffer r = ByteBuffer.allocate(4 * (restarts.size() + 1)).order(ByteOrder.LITTLE_ENDIAN);
        restarts.forEach(r::putInt);
        r.putInt(restarts.size());
        out.writeBytes(r.array());
        return out.toByteArray();
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static void tagVarint(ByteArrayOutputStream out, int field, long v) {
        varint(out, (long) field << 3);
        varint(out, v);
    }

    private static void tagBytes(ByteArrayOutputStream out, int field, byte[] bytes) {
        varint(out, (long) field << 3 | 2);
        varint(out, bytes.length);
        out.writeBytes(bytes);
    }
}
