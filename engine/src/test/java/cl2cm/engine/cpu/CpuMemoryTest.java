package cl2cm.engine.cpu;

import cl2cm.engine.backend.View;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Storage;
import cl2cm.engine.tensor.TensorScope;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Released arrays come back zeroed (allocate) or poisoned in tests (allocateUninitialized), and are counted. */
class CpuMemoryTest {
    private static final CpuBackend CPU = CpuBackend.INSTANCE;
    private static final int N = 5003;   // above the pooling threshold, a size no other test uses

    @Test
    void releasedArraysAreReusedAndCleared() {
        try (TensorScope s = TensorScope.open("dirty")) {
            Storage dirty = CPU.allocate(DType.F32, N);
            CPU.fill(new View(dirty, new int[]{N}, new int[]{1}, 0), 7.0);
        }
        long cached = CPU.memoryStats().cached();
        long allocations = CPU.memoryStats().allocations();
        assertTrue(cached >= 4L * N, "the released array should be pooled, cached " + cached);
        try (TensorScope s = TensorScope.open("reuse")) {
            Storage zeroed = CPU.allocate(DType.F32, N);
            assertEquals(allocations, CPU.memoryStats().allocations(), "a pooled array of the size was free");
            for (float v : CpuStorage.of(zeroed).f()) {
                assertEquals(0f, v);
            }
            zeroed.release();
            long before = CPU.memoryStats().inUse();
            Storage raw = CPU.allocateUninitialized(DType.F32, N);
            assertEquals(4L * N, CPU.memoryStats().inUse() - before, "in-use bytes count the live storage");
            float first = CpuStorage.of(raw).f()[0];
            if (Boolean.getBoolean("cl2cm.cpu.poisonUninitialized")) {
                assertTrue(Float.isNaN(first), "uninitialized arrays are NaN-poisoned under test, got " + first);
            }
        }
    }
}
