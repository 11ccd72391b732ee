package cl2cm.engine.cpu;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The worker pool's loops run every index exactly once, whatever the split. */
class ParallelTest {
    @Test
    void forEachTaskRunsEveryTaskOnce() {
        for (int n : new int[]{0, 1, 2, 3, 7, 33, 1000}) {
            AtomicIntegerArray runs = new AtomicIntegerArray(Math.max(n, 1));
            Parallel.forEachTask(n, t -> {
                if (t % 5 == 0) {
                    Thread.onSpinWait();   // uneven tasks: the others move on
                }
                runs.incrementAndGet(t);
            });
            for (int t = 0; t < n; t++) {
                assertEquals(1, runs.get(t), "task " + t + " of " + n);
            }
        }
    }

    @Test
    void forRangeCoversTheRangeOnce() {
        for (int n : new int[]{1, 2, 5, 64, 1001}) {
            AtomicIntegerArray hits = new AtomicIntegerArray(n);
            Parallel.forRange(n, 1, (s, e) -> {
                for (int i = s; i < e; i++) {
                    hits.incrementAndGet(i);
                }
            });
            for (int i = 0; i < n; i++) {
                assertEquals(1, hits.get(i), "index " + i + " of " + n);
            }
        }
    }

    @Test
    void loopsInsideAChunkCoverTheirRangeOnce() {
        int outer = 8, inner = 100;
        AtomicIntegerArray hits = new AtomicIntegerArray(outer * inner);
        Parallel.forRange(outer, 1, (s, e) -> {
            for (int o = s; o < e; o++) {
                int base = o * inner;
                Parallel.forRange(inner, 1, (is, ie) -> {
                    for (int i = is; i < ie; i++) {
                        hits.incrementAndGet(base + i);
                    }
                });
            }
        });
        for (int i = 0; i < outer * inner; i++) {
            assertEquals(1, hits.get(i), "index " + i);
        }
    }
}
