package cl2cm.app;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;

/**
 * An exclusive claim on a run folder, so two processes never train into the same one. The claim is the file
 * {@code .lock}, created atomically ({@code CREATE_NEW}) with the owner's pid, host and the owner process's start
 * time, and removed when the claim is closed or the JVM exits normally. A lock left by a process that is gone (a
 * kill -9, a crash) is recognised and reported, never silently taken over: the user removes it.
 */
final class RunLock implements AutoCloseable {
    static final String FILE = ".lock";

    private final Path file;
    private final Thread cleanup;

    private RunLock(Path file) {
        this.file = file;
        this.cleanup = new Thread(this::release, "cl2cm-run-lock-release");
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /** Takes the folder (creating it), or fails naming the process that holds it. */
    static RunLock acquire(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE);
        ProcessHandle me = ProcessHandle.current();
        String owner = me.pid() + " " + host() + " " + startOf(me).map(Instant::toString).orElse("?") + "\n";
        try {
            Files.writeString(file, owner, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            throw new IOException(heldBy(dir, file));
        }
        return new RunLock(file);
    }

    /** Why the folder cannot be taken: who holds it, or that its holder is gone and the lock is stale. */
    private static String heldBy(Path dir, Path file) throws IOException {
        String[] f = Files.readString(file, StandardCharsets.UTF_8).trim().split(" ");
        if (f.length < 3) {
            return dir + ": locked by " + file + ", whose content is not a cl2cm lock; remove it if no cl2cm process "
                    + "uses this folder";
        }
        long pid;
        try {
            pid = Long.parseLong(f[0]);
        } catch (NumberFormatException e) {
            pid = -1;
        }
        String host = f[1];
        String started = f[2];
        if (!host.equals(host())) {
            return dir + ": in use by process " + pid + " on host " + host + " (started " + started + "); lock file "
                    + file;
        }
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        boolean alive = p.isPresent() && p.get().isAlive()
                && startOf(p.get()).map(s -> s.toString().equals(started) || started.equals("?")).orElse(true);
        return alive ? dir + ": in use by process " + pid + " on this host (started " + started + "); wait for it "
                + "or stop it (lock file " + file + ")"
                : dir + ": stale lock " + file + " left by process " + pid + " (started " + started + "), which is "
                + "no longer running (killed?). If no other process uses this folder, delete the lock file and run "
                + "again (add --resume to continue the interrupted training)";
    }

    private static Optional<Instant> startOf(ProcessHandle p) {
        return p.info().startInstant();
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName().replace(' ', '_');
        } catch (IOException e) {
            return ManagementFactory.getRuntimeMXBean().getName().replaceFirst("^\\d+@", "");
        }
    }

    private void release() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the folder went away; nothing is held any more
        }
    }

    @Override
    public void close() {
        release();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException ignored) {
            // already shutting down: the hook releases it
        }
    }
}
