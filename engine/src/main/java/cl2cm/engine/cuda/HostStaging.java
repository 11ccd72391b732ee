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
