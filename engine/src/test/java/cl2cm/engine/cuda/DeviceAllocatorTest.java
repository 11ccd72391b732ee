package cl2cm.engine.cuda;

import cl2cm.engine.tensor.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The caching allocator's size classes (pure arithmetic: runs without a GPU). */
class DeviceAllocatorTest {
    @Test
    void sizeClassesWasteAtMostAnEighth() {
        assertEquals(512, DeviceAllocator.round(1));
        assertEquals(512, DeviceAllocator.round(512));
        assertEquals(1024, DeviceAllocator.round(513));
        assertEquals(1 << 20, DeviceAllocator.round((1 << 20) - 100));
        // Transformer-sized tensors take exactly their size: [768, 768], [768, 3072], [8192, 768] floats.
        for (long bytes : new long[]{768L * 768 * 4, 768L * 3072 * 4, 8192L * 768 * 4}) {
            assertEquals(bytes, DeviceAllocator.round(bytes));
        }
        Rng r = new Rng(5);
        long previous = 0;
        for (long b = 1; b < (1L << 34); b += 1 + (long) (r.nextDouble() * b / 3)) {
            long size = DeviceAllocator.round(b);
            assertTrue(size >= b && size >= previous, "round(" + b + ") = " + size);
            assertTrue(size - b <= Math.max(511, b / 8), "round(" + b + ") = " + size + " wastes more than an eighth");
            assertEquals(size, DeviceAllocator.round(size), "a size class rounds to itself");
            previous = size;
        }
    }
}
