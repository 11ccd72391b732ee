package cl2cm.engine.cuda;

import cl2cm.engine.backend.ReplayableStep;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.JCudaDriver;

import java.util.function.Supplier;

/**
 * A step recorded as a CUDA graph (driver API stream capture) and replayed: run 1 executes the body normally (warm-up:
 * optimizer state, cached blocks, cuBLAS heuristics), run 2 records it and launches the graph, later runs rewrite the
 * recorded uploads from their host arrays and launch the graph again. Replaying costs one launch and no per-op host
 * work, which is what a small model's step is otherwise bound by (see {@link ReplayableStep} for the rules).
 *
 * <p>The graph owns a private memory pool (the addresses it was recorded with) and the pinned buffers of its
 * uploads; {@link #close()} gives both back.
 */
final class CudaGraphStep implements ReplayableStep {
    private final CudaBackend cuda;
    private final String name;
    private final Supplier<Tensor> body;
    private final CUevent finished = new CUevent();
    private int runs;
    private boolean closed;
    private CUgraph graph;
    private CUgraphExec exec;
    private DeviceAllocator.Pool pool;
    private HostStaging.Recorded uploads;
    private Tensor output;

    CudaGraphStep(CudaBackend cuda, String name, Supplier<Tensor> body) {
        this.cuda = cuda;
        this.name = name;
        this.body = body;
        JCudaDriver.cuEventCreate(finished, CUevent_flags.CU_EVENT_DISABLE_TIMING);
    }

    @Override
    public Tensor run() {
        if (closed) {
            throw new IllegalStateException("replayable step '" + name + "' is closed");
        }
        runs++;
        if (runs == 1) {
            return body.get();
        }
        if (runs == 2) {
            record();
        } else {
            // The previous replay may still be copying from the upload buffers we are about to rewrite.
            JCudaDriver.cuEventSynchronize(finished);
            uploads.rewrite();
        }
        cuda.launchGraph(exec, runs - 1);
        JCudaDriver.cuEventRecord(finished, cuda.stream());
        return output;
    }

    private void record() {
        pool = cuda.beginRecording();
        boolean failed = true;
        CUgraph g = new CUgraph();
        try {
            output = TensorScope.persistent(() -> {
                try (TensorScope scope = TensorScope.open(name + " (recorded)")) {
                    return scope.keep(body.get());
                }
            });
            failed = false;
        } finally {
            uploads = cuda.endRecording(g, failed);
            if (failed) {
                try {
                    JCudaDriver.cuGraphDestroy(g);
                } catch (jcuda.CudaException ignored) {
                    // an aborted capture may have left no graph
                }
                cuda.retire(pool);
                uploads.free();
                uploads = null;
                pool = null;
                closed = true;
            }
        }
        graph = g;
        exec = new CUgraphExec();
        try {
            JCudaDriver.cuGraphInstantiate(exec, graph, 0);
        } catch (jcuda.CudaException e) {
            close();
            throw new CudaError("instantiating the CUDA graph of '" + name + "' failed: " + e.getMessage(), e);
        }
    }

    /** Host-to-device copies the graph repeats at every replay (for tests and reports). */
    int recordedUploads() {
        return uploads == null ? 0 : uploads.count();
    }

    @Override
    public void close() {
        if (closed && graph == null && pool == null) {
            return;
        }
        closed = true;
        JCudaDriver.cuStreamSynchronize(cuda.stream());
        if (exec != null) {
            JCudaDriver.cuGraphExecDestroy(exec);
            exec = null;
        }
        if (graph != null) {
            JCudaDriver.cuGraphDestroy(graph);
            graph = null;
        }
        if (output != null) {
            output.storage().release();
            output = null;
        }
        if (pool != null) {
            cuda.retire(pool);
            pool = null;
        }
        if (uploads != null) {
            uploads.free();
            uploads = null;
        }
        JCudaDriver.cuEventDestroy(finished);
    }
}
