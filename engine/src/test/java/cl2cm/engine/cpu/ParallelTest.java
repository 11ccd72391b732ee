package cl2cm.engine.cpu;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void aFailingChunkIsRethrownOnlyAfterTheOtherChunksEnd() {
        int n = Math.max(2, Parallel.threads());
        AtomicIntegerArray finished = new AtomicIntegerArray(n);
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> Parallel.forRange(n, 1, (s, e) -> {
            if (s == 0) {
                throw new IllegalStateException("chunk 0 fails");
            }
            try {
                Thread.sleep(50);   // still running when chunk 0 has failed
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            for (int i = s; i < e; i++) {
                finished.set(i, 1);
            }
        }));
        assertEquals("chunk 0 fails", thrown.getMessage());
        for (int i = 1; i < n; i++) {
            assertEquals(1, finished.get(i), "index " + i + " had not finished when forRange threw");
        }
    }

    @Test
    void loopsFromSeveralThreadsAtOnceEachCoverTheirRange() throws InterruptedException {
        int callers = 4, n = 10_000, rounds = 200;
        AtomicIntegerArray[] hits = new AtomicIntegerArray[callers];
        Thread[] threads = new Thread[callers];
        for (int t = 0; t < callers; t++) {
            AtomicIntegerArray h = hits[t] = new AtomicIntegerArray(n);
            threads[t] = new Thread(() -> {
                for (int r = 0; r < rounds; r++) {
                    Parallel.forRange(n, 1, (s, e) -> {
                        for (int i = s; i < e; i++) {
                            h.incrementAndGet(i);
                        }
                    });
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        for (int t = 0; t < callers; t++) {
            for (int i = 0; i < n; i++) {
                assertEquals(rounds, hits[t].get(i), "caller " + t + ", index " + i);
            }
        }
    }

    @Test
    void anInterruptedCallerStillWaitsForEveryChunkAndKeepsTheInterrupt() {
        int n = Math.max(2, Parallel.threads());
        AtomicIntegerArray finished = new AtomicIntegerArray(n);
        Thread caller = Thread.currentThread();
        caller.interrupt();
        try {
            Parallel.forRange(n, 1, (s, e) -> {
                // the caller's chunks end soon (a worker can take one meanwhile), so that it waits (parks) for the rest
                long until = System.nanoTime() + (Thread.currentThread() == caller ? 5_000_000L : 50_000_000L);
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                for (int i = s; i < e; i++) {
                    finished.set(i, 1);
                }
            });
        } finally {
            assertTrue(Thread.interrupted(), "the caller's interrupt was lost");
        }
        for (int i = 0; i < n; i++) {
            assertEquals(1, finished.get(i), "index " + i + " had not finished when forRange returned");
        }
    }
}
