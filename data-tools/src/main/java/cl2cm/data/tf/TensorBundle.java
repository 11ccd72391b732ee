package cl2cm.data.tf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * A TensorFlow tensor bundle (the {@code variables/} folder of a SavedModel or a checkpoint) read in pure Java:
 * {@code variables.index} is a LevelDB-format table mapping each variable name to a {@code BundleEntryProto}
 * (dtype, shape, shard, byte offset and size, CRC32C), and {@code variables.data-0000k-of-0000n} holds the raw
 * little-endian tensor bytes.
 *
 * <p>Layout of the index (LevelDB table): data blocks, a meta-index block, an index block whose entries point at
 * the data blocks, and a 48-byte footer (two block handles, padding, magic). Each block is a run of prefix-compressed
 * key/value entries followed by a restart array; a 5-byte trailer (compression type, CRC) follows every block.
 */
public final class TensorBundle {
    static final int DT_FLOAT = 1;
    private static final long TABLE_MAGIC = 0xdb4775248b80fb57L;

    /** One tensor's index entry. */
    public record Entry(String name, int dtype, long[] shape, int shard, long offset, long size, int crc32c) {
        public long numel() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        @Override
        public String toString() {
            return name + " dtype=" + dtype + " shape=" + Arrays.toString(shape);
        }
    }

    private final String what;
    private final List<Path> shards;
    private final Map<String, Entry> entries;

    private TensorBundle(String what, List<Path> shards, Map<String, Entry> entries) {
        this.what = what;
        this.shards = shards;
        this.entries = entries;
    }

    /** Opens {@code <dir>/<prefix>.index} and its data files {@code <prefix>.data-0000k-of-0000n}. */
    public static TensorBundle open(Path dir, String prefix) throws IOException {
        Path index = dir.resolve(prefix + ".index");
        if (!Files.isRegularFile(index)) {
            throw new IOException("tensor bundle index " + index + " not found");
        }
        List<Path> shards = new java.util.ArrayList<>();
        try (var s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().startsWith(prefix + ".data-")).sorted().forEach(shards::add);
        }
        return parse(Files.readAllBytes(index), shards, index.toString());
    }

    /**
     * Parses an index; {@code shards} are the data files in shard order. {@code what} names the bundle in errors.
     */
    public static TensorBundle parse(byte[] index, List<Path> shards, String what) throws IOException {
        Map<String, Entry> entries = new TreeMap<>();
        try {
            readTable(index, (key, value) -> {
                if (!key.isEmpty()) { // the empty key holds the BundleHeaderProto
                    entries.put(key, parseEntry(key, value));
                }
            });
        } catch (IOException | RuntimeException e) {
            throw new IOException(what + ": malformed tensor bundle index: " + e.getMessage(), e);
        }
        for (Entry e : entries.values()) {
            if (e.shard() < 0 || e.shard() >= shards.size()) {
                throw new IOException(what + ": tensor " + e.name() + " is in shard " + e.shard() + " but "
                        + shards.size() + " data file(s) were given");
            }
            if (e.offset() < 0 || e.offset() + e.size() > Files.size(shards.get(e.shard()))) {
                throw new IOException(what + ": tensor " + e.name() + " lies past the end of its data file");
            }
        }
        return new TensorBundle(what, shards, Collections.unmodifiableMap(entries));
    }

    public Map<String, Entry> entries() {
        return entries;
    }

    /** The float32 values of a tensor, in TF's row-major order, after checking dtype, size and checksum. */
    public float[] readFloats(String name) throws IOException {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IOException(what + " has no tensor '" + name + "'");
        }
        if (e.dtype() != DT_FLOAT) {
            throw new IOException(what + ": tensor " + name + " has dtype " + e.dtype() + ", expected float32 (1)");
        }
        if (e.size() != e.numel() * 4) {
            throw new IOException(what + ": tensor " + name + " has " + e.size() + " bytes but shape "
                    + Arrays.toString(e.shape()) + " needs " + e.numel() * 4);
        }
        ByteBuffer bytes = ByteBuffer.allocate((int) e.size());
        try (FileChannel ch = FileChannel.open(shards.get(e.shard()))) {
            while (bytes.hasRemaining()) {
                if (ch.read(bytes, e.offset() + bytes.position()) < 0) {
                    throw new IOException(what + ": data file ends inside tensor " + name);
                }
            }
        }
        bytes.flip();
        CRC32C crc = new CRC32C();
        crc.update(bytes.array());
        int actual = (int) crc.getValue();
        if (mask(actual) != e.crc32c() && actual != e.crc32c()) {
            throw new IOException(what + ": checksum mismatch in tensor " + name + " (corrupt or truncated data file)");
        }
        float[] out = new float[(int) e.numel()];
        bytes.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    /** LevelDB's CRC masking, which TF applies to stored checksums. */
    static int mask(int crc) {
        return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
    }

    private static Entry parseEntry(String name, byte[] value) throws IOException {
        ProtoReader r = new ProtoReader(value);
        int dtype = 0;
        int shard = 0;
        long offset = 0;
        long size = 0;
        int crc = 0;
        long[] shape = new long[0];
        while (r.next()) {
            switch (r.field()) {
                case 1 -> dtype = (int) r.varint();
                case 2 -> shape = parseShape(r.message());
                case 3 -> shard = (int) r.varint();
                case 4 -> offset = r.varint();
                case 5 -> size = r.varint();
                case 6 -> crc = r.fixed32();
                case 7 -> throw new IOException("tensor " + name + " is partitioned into slices, which is not supported");
                default -> r.skip();
            }
        }
        return new Entry(name, dtype, shape, shard, offset, size, crc);
    }

    private static long[] parseShape(ProtoReader r) throws IOException {
        long[] dims = new long[0];
        while (r.next()) {
            if (r.field() == 2) { // repeated Dim dim = 2 { int64 size = 1; string name = 2; }
                ProtoReader d = r.message();
                long size = 0;
                while (d.next()) {
                    if (d.field() == 1) {
                        size = d.varint();
                    } else {
                        d.skip();
                    }
                }
                dims = Arrays.copyOf(dims, dims.length + 1);
                dims[dims.length - 1] = size;
            } else {
                r.skip();
            }
        }
        return dims;
    }

    // ---- LevelDB table -----------------------------------------------------------------------------------------

    interface EntryVisitor {
        void visit(String key, byte[] value) throws IOException;
    }

    static void readTable(byte[] table, EntryVisitor visitor) throws IOException {
        if (table.length < 48) {
            throw new IOException("file too short for a table footer");
        }
        ByteBuffer footer = ByteBuffer.wrap(table, table.length - 48, 48).order(ByteOrder.LITTLE_ENDIAN);
        if (footer.getLong(table.length - 8) != TABLE_MAGIC) {
            throw new IOException("bad table magic number");
        }
        ProtoReader handles = new ProtoReader(table, table.length - 48, table.length - 8);
        handles.varint(); // meta-index block offset and size: unused
        handles.varint();
        long indexOffset = handles.varint();
        long indexSize = handles.varint();
        for (byte[] handle : blockValues(table, indexOffset, indexSize)) {
            ProtoReader h = new ProtoReader(handle);
            long off = h.varint();
            long size = h.varint();
            readBlock(table, off, size, visitor);
        }
    }

    private static List<byte[]> blockValues(byte[] table, long offset, long size) throws IOException {
        List<byte[]> values = new java.util.ArrayList<>();
        readBlock(table, offset, size, (k, v) -> values.add(v));
        return values;
    }

    private static void readBlock(byte[] table, long offset, long size, EntryVisitor visitor) throws IOException {
        if (offset < 0 || offset + size + 5 > table.length) {
            throw new IOException("block at " + offset + " (+" + size + ") lies outside the file");
        }
        int type = table[(int) (offset + size)];
        if (type != 0) {
            throw new IOException("block at " + offset + " is compressed (type " + type
                    + "); only uncompressed tables are supported");
        }
        int start = (int) offset;
        int limit = (int) (offset + size);
        int restarts = ByteBuffer.wrap(table).order(ByteOrder.LITTLE_ENDIAN).getInt(limit - 4);
        int entriesEnd = limit - 4 * (restarts + 1);
        byte[] key = new byte[0];
        int p = start;
        while (p < entriesEnd) {
            ProtoReader r = new ProtoReader(table, p, entriesEnd);
            int shared = (int) r.varint();
            int nonShared = (int) r.varint();
            int valueLen = (int) r.varint();
            int keyStart = r.position();
            byte[] k = Arrays.copyOf(key, shared + nonShared);
            System.arraycopy(table, keyStart, k, shared, nonShared);
            key = k;
            byte[] value = Arrays.copyOfRange(table, keyStart + nonShared, keyStart + nonShared + valueLen);
            visitor.visit(new String(key, StandardCharsets.UTF_8), value);
            p = keyStart + nonShared + valueLen;
        }
    }
}
