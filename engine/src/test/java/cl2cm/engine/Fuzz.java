package cl2cm.engine;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzing the readers: mutated copies of a valid input, and the rule every reader must keep on them. A reader given
 * any bytes either returns a result or throws an {@link IOException} or {@link IllegalArgumentException} whose
 * message names the input; it never throws anything else (a NullPointerException, an index error, an
 * OutOfMemoryError from a size it believed) and never hangs.
 *
 * <p>The test suite runs a fixed sample, so a build is reproducible: every fuzz property uses {@link #SEED}, and the
 * number of inputs per reader is jqwik's {@code jqwik.tries.default} (300, junit-platform.properties). To explore
 * other inputs, change the salt mixed into every mutation and raise the count:
 * {@code mvn -B test -Dtest='*FuzzTest' -Dsurefire.failIfNoSpecifiedTests=false -Dcl2cm.fuzz.salt=7
 * -Djqwik.tries.default=20000}.
 */
public final class Fuzz {
    /** The jqwik seed of every fuzz property: the suite's sample is the same in every run. */
    public static final String SEED = "20261205";
    private static final long SALT = Long.getLong("cl2cm.fuzz.salt", 0L);

    private Fuzz() {
    }

    /** A reader under test. */
    @FunctionalInterface
    public interface Read {
        void run() throws Exception;
    }

    /**
     * Copies of {@code valid} with one to four edits each: a flipped bit, an overwritten byte, a truncation, a deleted
     * range, random bytes inserted, a range duplicated, or a decimal digit changed (sizes and offsets in text headers).
     */
    public static Arbitrary<byte[]> mutationsOf(byte[] valid) {
        return Combinators.combine(Arbitraries.integers().between(0, 6).list().ofMinSize(1).ofMaxSize(4),
                Arbitraries.longs()).as((edits, seed) -> mutate(valid, edits, new Random(seed ^ SALT)));
    }

    static byte[] mutate(byte[] valid, List<Integer> edits, Random r) {
        byte[] b = valid.clone();
        for (int kind : edits) {
            int n = b.length;
            int at = n == 0 ? 0 : r.nextInt(n);
            b = switch (kind) {
                case 0 -> n == 0 ? b : flip(b, at, 1 << r.nextInt(8));
                case 1 -> n == 0 ? b : set(b, at, (byte) r.nextInt(256));
                case 2 -> Arrays.copyOf(b, at);
                case 3 -> concat(Arrays.copyOf(b, at), Arrays.copyOfRange(b, Math.min(n, at + 1 + r.nextInt(16)), n));
                case 4 -> {
                    byte[] junk = new byte[1 + r.nextInt(16)];
                    r.nextBytes(junk);
                    yield concat(concat(Arrays.copyOf(b, at), junk), Arrays.copyOfRange(b, at, n));
                }
                case 5 -> concat(concat(Arrays.copyOf(b, at), Arrays.copyOfRange(b, at, Math.min(n, at + 1
                        + r.nextInt(32)))), Arrays.copyOfRange(b, at, n));
                default -> digit(b, r);
            };
        }
        return b;
    }

    private static byte[] flip(byte[] b, int at, int bit) {
        b[at] ^= (byte) bit;
        return b;
    }

    private static byte[] set(byte[] b, int at, byte v) {
        b[at] = v;
        return b;
    }

    private static byte[] digit(byte[] b, Random r) {
        int start = b.length == 0 ? 0 : r.nextInt(b.length);
        for (int i = 0; i < b.length; i++) {
            int j = (start + i) % b.length;
            if (b[j] >= '0' && b[j] <= '9') {
                b[j] = (byte) ('0' + r.nextInt(10));
                return b;
            }
        }
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Runs {@code read}: a result, or a typed error naming {@code name}; anything else fails, as does a hang. */
    public static void readsCleanly(String name, Read read) {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try {
                read.run();
            } catch (IOException | IllegalArgumentException e) {
                if (e.getMessage() == null || !e.getMessage().contains(name)) {
                    fail("error does not name " + name + ": " + e, e);
                }
            } catch (Throwable e) {
                fail("reading " + name + " threw " + e + " instead of a clear IOException or "
                        + "IllegalArgumentException", e);
            }
        });
    }
}
