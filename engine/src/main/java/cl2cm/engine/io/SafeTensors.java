package cl2cm.engine.io;

import cl2cm.engine.backend.Backend;
import cl2cm.engine.backend.Devices;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Shape;
import cl2cm.engine.tensor.Tensor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors format: an 8-byte little-endian header length, a JSON header mapping each tensor name to
 * {dtype, shape, data_offsets} (plus optional string metadata under "__metadata__"), then the raw little-endian
 * data. Files written here load with Python's {@code safetensors.torch.load_file} and vice versa.
 */
public final class SafeTensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L << 20;

    private SafeTensors() {
    }

    // ---- writing -----------------------------------------------------------------------------------------------

    /** Writes tensors (F32 or F64, stored as their own dtype) and metadata atomically: temp file, then rename. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        write(file, tensors, metadata, false);
    }

    /**
     * As {@link #write(Path, Map, Map)}, with F32 tensors stored as F16 when {@code float16} (half the bytes, about three
     * significant digits; readers widen them back). A value beyond F16's range is an error naming the tensor.
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata, boolean float16)
            throws IOException {
        ObjectNode header = JSON.createObjectNode();
        // Metadata in sorted order, so identical weights give identical files; the checksum's placeholder has the
        // length of the final hex digest, so the header's size is known before the data is written.
        ObjectNode meta = header.putObject("__metadata__");
        new java.util.TreeMap<>(metadata == null ? Map.<String, String>of() : metadata).forEach(meta::put);
        meta.put(CHECKSUM_KEY, "0".repeat(64));
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                throw new IllegalArgumentException("'__metadata__' is reserved and cannot name a tensor");
            }
            Tensor t = e.getValue();
            boolean half = float16 && t.dtype() == DType.F32;
            long bytes = t.numel() * (half ? 2 : t.dtype().bytes());
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", half ? "F16" : t.dtype().safetensorsName());
            ArrayNode shape = entry.putArray("shape");
            for (int d : t.shape()) {
                shape.add(d);
            }
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        int padded = headerBytes(header).length;
        AtomicFile.writeChannel(file, ch -> {
            java.security.MessageDigest sha = sha256();
            ch.position(8 + padded);
            OutputStream out = new java.io.BufferedOutputStream(new java.security.DigestOutputStream(
                    java.nio.channels.Channels.newOutputStream(ch), sha), 1 << 16);
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                if (float16 && e.getValue().dtype() == DType.F32) {
                    writeHalf(out, e.getKey(), e.getValue());
                } else {
                    writeData(out, e.getValue());
                }
            }
            out.flush();
            meta.put(CHECKSUM_KEY, java.util.HexFormat.of().formatHex(sha.digest()));
            byte[] hb = headerBytes(header);
            if (hb.length != padded) {
                throw new IllegalStateException("safetensors header changed size when its checksum was filled in");
            }
            ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).put(hb);
            head.flip();
            ch.position(0);
            while (head.hasRemaining()) {
                ch.write(head);
            }
        });
    }

    /**
     * The metadata key of the SHA-256 (hex) of the data section, which {@link #open} verifies: a flipped byte in the
     * weights is a clear error instead of a model that silently computes something else. Other safetensors readers
     * see it as one more metadata string.
     */
    public static final String CHECKSUM_KEY = "data_sha256";

    /** The header JSON padded with spaces to a multiple of 8 bytes, as the format allows, so the data stays aligned. */
    private static byte[] headerBytes(ObjectNode header) throws IOException {
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = java.util.Arrays.copyOf(json, padded);
        java.util.Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    private static java.security.MessageDigest sha256() {
        try {
            return java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    private static void writeHalf(OutputStream out, String name, Tensor t) throws IOException {
        float[] v = t.toFloatArray();
        ByteBuffer buf = ByteBuffer.allocate(v.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < v.length; i++) {
            short h = Float.floatToFloat16(v[i]);
            if (Float.isFinite(v[i]) && Float.isInfinite(Float.float16ToFloat(h))) {
                throw new IOException("tensor '" + name + "' element " + i + " = " + v[i] + " is beyond float16's "
                        + "range (65504); store it as float32");
            }
            buf.putShort(h);
        }
        out.write(buf.array());
    }

    private static void writeData(OutputStream out, Tensor t) throws IOException {
        int chunk = 1 << 16;
        if (t.dtype() == DType.F32) {
            float[] v = t.toFloatArray();
            ByteBuffer buf = ByteBuffer.allocate(chunk * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < v.length; i += chunk) {
                buf.clear();
                int n = Math.min(chunk, v.length - i);
                buf.asFloatBuffer().put(v, i, n);
                out.write(buf.array(), 0, n * 4);
            }
        } else {
            double[] v = t.toDoubleArray();
            ByteBuffer buf = ByteBuffer.allocate(chunk * 8).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < v.length; i += chunk) {
                buf.clear();
                int n = Math.min(chunk, v.length - i);
                buf.asDoubleBuffer().put(v, i, n);
                out.write(buf.array(), 0, n * 8);
            }
        }
    }

    // ---- reading -----------------------------------------------------------------------------------------------

    /** One entry of a file's header. */
    public record Entry(String name, String dtype, int[] shape, long begin, long end) {
    }

    /** An opened safetensors file: header parsed and checked, data mapped, tensors read on demand. */
    public static final class Reader implements AutoCloseable {
        private final Path file;
        private final FileChannel channel;
        private final long dataStart;
        private final Map<String, Entry> entries = new LinkedHashMap<>();
        private final Map<String, String> metadata = new LinkedHashMap<>();

        private Reader(Path file) throws IOException {
            this.file = file;
            this.channel = FileChannel.open(file, StandardOpenOption.READ);
            try {
                long size = channel.size();
                if (size < 8) {
                    throw error("file is " + size + " bytes, shorter than the 8-byte header length");
                }
                ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                readFully(lenBuf, 0);
                long headerLen = lenBuf.flip().getLong();
                if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
                    throw error("header length " + headerLen + " does not fit a file of " + size
                            + " bytes (truncated or not a safetensors file)");
                }
                ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
                readFully(hb, 8);
                this.dataStart = 8 + headerLen;
                parseHeader(new String(hb.array(), StandardCharsets.UTF_8), size - dataStart);
                String stored = metadata.get(CHECKSUM_KEY);
                if (stored != null) {
                    verifyChecksum(stored, size);
                }
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }

        private void verifyChecksum(String stored, long size) throws IOException {
            java.security.MessageDigest sha = sha256();
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            for (long pos = dataStart; pos < size; ) {
                buf.clear().limit((int) Math.min(buf.capacity(), size - pos));
                readFully(buf, pos);
                pos += buf.flip().remaining();
                sha.update(buf);
            }
            String actual = java.util.HexFormat.of().formatHex(sha.digest());
            if (!actual.equalsIgnoreCase(stored)) {
                throw error("tensor data does not match the SHA-256 in its metadata (stored " + stored + ", computed "
                        + actual + "): bytes were flipped or overwritten; the file is corrupt");
            }
        }

        private void readFully(ByteBuffer buf, long pos) throws IOException {
            while (buf.hasRemaining()) {
                int n = channel.read(buf, pos + buf.position());
                if (n < 0) {
                    throw error("unexpected end of file");
                }
            }
        }

        private IOException error(String what) {
            return new IOException(file + ": " + what);
        }

        private void parseHeader(String json, long dataSize) throws IOException {
            JsonNode root;
            try {
                root = JSON.readTree(json.strip());
            } catch (JsonProcessingException e) {
                throw error("header is not valid JSON: " + e.getOriginalMessage());
            }
            if (root == null || !root.isObject()) {
                throw error("header is not a JSON object");
            }
            long maxEnd = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                String name = f.getKey();
                JsonNode v = f.getValue();
                if (name.equals("__metadata__")) {
                    v.fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                JsonNode dt = v.get("dtype");
                JsonNode sh = v.get("shape");
                JsonNode off = v.get("data_offsets");
                if (dt == null || sh == null || off == null || !sh.isArray() || !off.isArray() || off.size() != 2) {
                    throw error("tensor '" + name + "' needs dtype, shape and data_offsets [begin, end]");
                }
                int[] shape = new int[sh.size()];
                for (int i = 0; i < shape.length; i++) {
                    if (!sh.get(i).canConvertToInt() || sh.get(i).asInt() < 0) {
                        throw error("tensor '" + name + "' has a bad shape " + sh);
                    }
                    shape[i] = sh.get(i).asInt();
                }
                long begin = off.get(0).asLong();
                long end = off.get(1).asLong();
                int width = bytesOf(dt.asText(), name);
                if (begin < 0 || end < begin || end > dataSize) {
                    throw error("tensor '" + name + "' has data_offsets [" + begin + ", " + end + "] outside the "
                            + dataSize + " data bytes (file truncated?)");
                }
                if (end - begin != Shape.numel(shape) * width) {
                    throw error("tensor '" + name + "' of dtype " + dt.asText() + " and shape " + Shape.str(shape)
                            + " needs " + Shape.numel(shape) * width + " bytes, its offsets span " + (end - begin));
                }
                maxEnd = Math.max(maxEnd, end);
                entries.put(name, new Entry(name, dt.asText(), shape, begin, end));
            }
            if (maxEnd != dataSize) {
                throw error("data section is " + dataSize + " bytes but the tensors cover " + maxEnd);
            }
        }

        private int bytesOf(String dtype, String name) throws IOException {
            return switch (dtype) {
                case "F64", "I64" -> 8;
                case "F32", "I32" -> 4;
                case "F16", "BF16", "I16" -> 2;
                case "I8", "U8", "BOOL" -> 1;
                default -> throw error("tensor '" + name + "' has unsupported dtype " + dtype);
            };
        }

        public Path file() {
            return file;
        }

        public Map<String, Entry> entries() {
            return java.util.Collections.unmodifiableMap(entries);
        }

        public Map<String, String> metadata() {
            return java.util.Collections.unmodifiableMap(metadata);
        }

        public boolean contains(String name) {
            return entries.containsKey(name);
        }

        private Entry entry(String name) throws IOException {
            Entry e = entries.get(name);
            if (e == null) {
                throw error("no tensor named '" + name + "' (it has " + entries.size() + " tensors"
                        + (entries.isEmpty() ? "" : ", e.g. '" + entries.keySet().iterator().next() + "'") + ")");
            }
            return e;
        }

        private ByteBuffer bytes(Entry e) throws IOException {
            long len = e.end() - e.begin();
            if (len > Integer.MAX_VALUE) {
                throw error("tensor '" + e.name() + "' is larger than 2 GiB");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) len).order(ByteOrder.LITTLE_ENDIAN);
            readFully(buf, dataStart + e.begin());
            return buf.flip();
        }

        /** Reads a floating-point tensor as float32 on the CPU (F16 and BF16 are widened). */
        public Tensor tensor(String name) throws IOException {
            return tensor(name, DType.F32, Devices.cpu());
        }

        /** Reads a floating-point tensor into the given dtype and backend. */
        public Tensor tensor(String name, DType dtype, Backend backend) throws IOException {
            Entry e = entry(name);
            ByteBuffer b = bytes(e);
            int n = (int) Shape.numel(e.shape());
            double[] v = new double[n];
            switch (e.dtype()) {
                case "F32" -> {
                    for (int i = 0; i < n; i++) {
                        v[i] = b.getFloat();
                    }
                }
                case "F64" -> b.asDoubleBuffer().get(v);
                case "F16" -> {
                    for (int i = 0; i < n; i++) {
                        v[i] = Float.float16ToFloat(b.getShort());
                    }
                }
                case "BF16" -> {
                    for (int i = 0; i < n; i++) {
                        v[i] = Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
                    }
                }
                default -> throw error("tensor '" + name + "' has dtype " + e.dtype() + ", expected a float type");
            }
            if (dtype == DType.F32 && e.dtype().equals("F32")) {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = (float) v[i];
                }
                return Tensor.of(f, e.shape()).to(backend);
            }
            return Tensor.of(v, dtype, backend, e.shape());
        }

        /** Reads an integer tensor (I64, I32, I16, I8, U8, BOOL) as int values. */
        public int[] ints(String name) throws IOException {
            Entry e = entry(name);
            ByteBuffer b = bytes(e);
            int n = (int) Shape.numel(e.shape());
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                out[i] = switch (e.dtype()) {
                    case "I64" -> Math.toIntExact(b.getLong());
                    case "I32" -> b.getInt();
                    case "I16" -> b.getShort();
                    case "I8" -> b.get();
                    case "U8", "BOOL" -> b.get() & 0xff;
                    default -> throw error("tensor '" + name + "' has dtype " + e.dtype() + ", expected an integer type");
                };
            }
            return out;
        }

        /** Every floating-point tensor, as float32 on the CPU. */
        public Map<String, Tensor> readAll() throws IOException {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Entry e : entries.values()) {
                if (e.dtype().startsWith("F") || e.dtype().equals("BF16")) {
                    out.put(e.name(), tensor(e.name()));
                }
            }
            return out;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** Opens and validates a file; close the reader when done. */
    public static Reader open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "no such safetensors file");
        }
        return new Reader(file);
    }

    /** Reads every floating-point tensor of a file as float32. */
    public static Map<String, Tensor> read(Path file) throws IOException {
        try (Reader r = open(file)) {
            return r.readAll();
        }
    }
}
