package cl2cm.engine.backend;

/**
 * The counter-based random numbers behind dropout masks: element i of a mask with seed s gets
 * u = splitmix64(s + (i + 1) * golden) / 2^64 (top 53 bits). Being a pure function of (seed, index), it runs in
 * parallel on any device and gives every backend the same mask, so CPU and GPU training steps agree exactly.
 * The CUDA kernel (kernels.cu, dropout) implements the same arithmetic on unsigned 64-bit integers.
 */
public final class DropoutHash {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private DropoutHash() {
    }

    /** A uniform double in [0, 1). */
    public static double uniform(long seed, long i) {
        long z = seed + (i + 1) * GOLDEN;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (z >>> 11) * 0x1.0p-53;
    }
}
