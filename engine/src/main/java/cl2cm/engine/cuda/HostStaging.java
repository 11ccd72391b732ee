package cl2cm.engine.cuda;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Host-to-device copies without stopping the host: data goes into a ring buffer of pinned (page-locked) memory and
 * is copied asynchronously on the backend's stream. An event recorded after each copy says when its slot may be
 * overwritten; the host waits only when the ring wraps onto a copy that has not run yet. (A synchronous copy from a
 * Java array would wait for every kernel queued before it, so each token-id or mask upload would drain the GPU.)
 *
 * <p>While a CUDA graph is being recorded, uploads go instead to pinned buffers owned by the graph
 * ({@link Recorded}), whose copies the graph repeats at every replay; before each replay the payloads write into
 * them again, so the replay reads the current contents of the same host arrays.
 */
final class HostStaging {
    private static final long CAPACITY = 64L << 20;
    private static final int MAX_IN_FLIGHT = 1024;

    private record Region(long start, long end, CUevent done) {
    }

    /** Writes the payload into the staging bytes. */
    interface Payload {
        void write(ByteBuffer into);
    }

    private final CUstream stream;
    private final Pointer host = new Pointer();
    private final ByteBuffer buffer;
    private final ArrayDeque<Region> inFlight = new ArrayDeque<>();
    private final ArrayDeque<CUevent> spare = new ArrayDeque<>();
    private long head;
    private Recorded recording;   // non-null while a graph is being recorded

    HostStaging(CUstream stream) {
        this.stream = stream;
        JCudaDriver.cuMemAllocHost(host, CAPACITY);
        buffer = host.getByteBuffer(0, CAPACITY).order(ByteOrder.nativeOrder());
    }

    static long capacity() {
        return CAPACITY;
    }

    /** Queues a copy of {@code bytes} bytes, written by {@code payload}, to {@code dst}. */
    synchronized void upload(CUdeviceptr dst, long bytes, Payload payload) {
        if (recording != null) {
            recording.upload(dst, bytes, payload, stream);
            return;
        }
        if (bytes > CAPACITY) {
            throw new IllegalArgumentException("staging upload of " + bytes + " bytes exceeds " + CAPACITY);
        }
        if (head + bytes > CAPACITY) {
            head = 0;
        }
        long start = head;
        long end = head + bytes;
        waitFor(start, end);
        payload.write(buffer.slice((int) start, (int) bytes).order(ByteOrder.nativeOrder()));
        JCudaDriver.cuMemcpyHtoDAsync(dst, host.withByteOffset(start), bytes, stream);
        CUevent done = spare.isEmpty() ? newEvent() : spare.pop();
        JCudaDriver.cuEventRecord(done, stream);
        inFlight.addLast(new Region(start, end, done));
        head = (end + 255) / 256 * 256;
    }

    synchronized void beginRecording() {
        recording = new Recorded();
    }

    synchronized Recorded endRecording() {
        Recorded r = recording;
        recording = null;
        return r;
    }

    /**
     * The uploads of a recorded graph: each payload's bytes in a pinned buffer the graph copies from at every replay.
     * Buffers are carved from 4 MiB pinned chunks (bigger uploads get a chunk of their own).
     */
    static final class Recorded {
        private static final long CHUNK = 4L << 20;

        private record Entry(ByteBuffer bytes, Payload payload) {
        }

        private final List<Pointer> chunks = new ArrayList<>();
        private final List<Entry> entries = new ArrayList<>();
        private ByteBuffer chunk;
        private Pointer chunkPtr;
        private long used;

        private void upload(CUdeviceptr dst, long bytes, Payload payload, CUstream stream) {
            if (chunk == null || used + bytes > chunk.capacity()) {
                long size = Math.max(CHUNK, bytes);
                chunkPtr = new Pointer();
                JCudaDriver.cuMemAllocHost(chunkPtr, size);
                chunks.add(chunkPtr);
                chunk = chunkPtr.getByteBuffer(0, size).order(ByteOrder.nativeOrder());
                used = 0;
            }
            ByteBuffer slot = chunk.slice((int) used, (int) bytes).order(ByteOrder.nativeOrder());
            payload.write(slot.duplicate().order(ByteOrder.nativeOrder()));
            JCudaDriver.cuMemcpyHtoDAsync(dst, chunkPtr.withByteOffset(used), bytes, stream);
            entries.add(new Entry(slot, payload));
            used = (used + bytes + 255) / 256 * 256;
        }

        /** Writes every payload again (the graph must not be running: it reads these buffers). */
        void rewrite() {
            for (Entry e : entries) {
                e.payload().write(e.bytes().duplicate().order(ByteOrder.nativeOrder()));
            }
        }

        int count() {
            return entries.size();
        }

        void free() {
            chunks.forEach(JCudaDriver::cuMemFreeHost);
            chunks.clear();
            entries.clear();
        }
    }

    /** Waits until no queued copy still reads bytes [start, end) (copies complete in queue order). */
    private void waitFor(long start, long end) {
        int newest = -1;
        int i = 0;
        for (Region r : inFlight) {
            if (r.start() < end && start < r.end()) {
                newest = i;
            }
            i++;
        }
        if (newest < 0 && inFlight.size() >= MAX_IN_FLIGHT) {
            newest = 0;
        }
        if (newest >= 0) {
            List<Region> done = new ArrayList<>();
            for (int k = 0; k <= newest; k++) {
                done.add(inFlight.pollFirst());
            }
            JCudaDriver.cuEventSynchronize(done.get(done.size() - 1).done());
            done.forEach(r -> spare.push(r.done()));
        }
    }

    private static CUevent newEvent() {
        CUevent e = new CUevent();
        JCudaDriver.cuEventCreate(e, CUevent_flags.CU_EVENT_DISABLE_TIMING);
        return e;
    }
}
