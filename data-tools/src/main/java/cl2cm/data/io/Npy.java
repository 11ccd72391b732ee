package cl2cm.data.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a 2-D float32 NumPy {@code .npy} array (format versions 1-3, C order, little-endian {@code <f4}): the
 * "N x D array in split-id order" form of visual features.
 */
public final class Npy {
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,?\\s*\\)");

    private Npy() {
    }

    public static float[][] readMatrix(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        if (all.length < 10 || (all[0] & 0xFF) != 0x93 || !new String(all, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
            throw new IOException(file + ": not a .npy file (no \\x93NUMPY magic)");
        }
        int major = all[6];
        int headerLen;
        int start;
        if (major == 1) {
            headerLen = Short.toUnsignedInt(b.getShort(8));
            start = 10;
        } else if (major == 2 || major == 3) {
            headerLen = b.getInt(8);
            start = 12;
        } else {
            throw new IOException(file + ": .npy format version " + major + " is not supported");
        }
        if (headerLen < 0 || start + (long) headerLen > all.length) {
            throw new IOException(file + ": header length " + headerLen + " does not fit a file of " + all.length
                    + " bytes (truncated?)");
        }
        String header = new String(all, start, headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new IOException(file + ": expected a 2-D array, header is " + header.strip());
        }
        if (!d.group(1).equals("<f4")) {
            throw new IOException(file + ": dtype " + d.group(1) + ", expected float32 ('<f4'; save with "
                    + "array.astype(numpy.float32))");
        }
        if (f.group(1).equals("True")) {
            throw new IOException(file + ": Fortran-ordered array; save a C-ordered one (numpy.ascontiguousarray)");
        }
        int n;
        int dim;
        try {
            n = Integer.parseInt(s.group(1));
            dim = Integer.parseInt(s.group(2));
        } catch (NumberFormatException e) {
            throw new IOException(file + ": shape (" + s.group(1) + ", " + s.group(2) + ") is out of range");
        }
        int dataStart = start + headerLen;
        long expected = (long) n * dim * 4;
        if (all.length - dataStart != expected) {
            throw new IOException(file + ": " + (all.length - dataStart) + " data bytes, expected " + n + " x " + dim
                    + " float32 = " + expected);
        }
        float[][] out = new float[n][dim];
        b.position(dataStart);
        for (float[] row : out) {
            b.asFloatBuffer().get(row);
            b.position(b.position() + dim * 4);
        }
        return out;
    }
}
