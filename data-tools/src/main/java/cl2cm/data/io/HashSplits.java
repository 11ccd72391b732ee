package cl2cm.data.io;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The split rule of the imported datasets: the first byte of SHA-1(visual id) modulo 10 puts an item in train (0-6),
 * val (7) or test (8-9). Deterministic, independent of file order, and an item is never in two splits.
 */
public final class HashSplits {
    private HashSplits() {
    }

    public static String of(String visualId) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-1").digest(visualId.getBytes(StandardCharsets.UTF_8));
            int bucket = (h[0] & 0xFF) % 10;
            return bucket < 7 ? "train" : bucket == 7 ? "val" : "test";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
