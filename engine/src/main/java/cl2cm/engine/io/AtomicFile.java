package cl2cm.engine.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file so that readers see either the old content or the complete new one: the data goes to a temporary
 * file in the same directory, is forced to disk, and is renamed over the target. A failure leaves no partial file.
 */
public final class AtomicFile {
    private AtomicFile() {
    }

    @FunctionalInterface
    public interface Body {
        void write(OutputStream out) throws IOException;
    }

    /** Writes through a file channel, for formats that fill in a header after their data (positions are free). */
    @FunctionalInterface
    public interface ChannelBody {
        void write(java.nio.channels.FileChannel channel) throws IOException;
    }

    public static void write(Path target, Body body) throws IOException {
        writeChannel(target, ch -> {
            OutputStream out = new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(ch), 1 << 16);
            body.write(out);
            out.flush();
        });
    }

    public static void writeChannel(Path target, ChannelBody body) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
        boolean done = false;
        try {
            // Temp files are created owner-only; give the result the mode a plain new file would have (rw-r--r--),
            // or keep the mode of the file being replaced.
            if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(tmp, Files.exists(abs) ? Files.getPosixFilePermissions(abs)
                        : java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            }
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                body.write(ch);
                ch.force(true);
            } catch (IOException e) {
                // e.g. "No space left on device", which names no file
                throw new IOException(abs + ": not written, the previous content is unchanged (" + e.getMessage()
                        + ")", e);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Writes UTF-8 text atomically. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
