package cl2cm.engine.cuda;

import cl2cm.engine.backend.OptimizerKernels;
import cl2cm.engine.backend.OptimizerKernels.AdamTensors;
import cl2cm.engine.backend.ReduceOp;
import cl2cm.engine.backend.UnaryOp;
import cl2cm.engine.backend.View;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Storage;
import cl2cm.engine.tensor.TensorScope;
import jcuda.Pointer;

import java.util.List;

import static cl2cm.engine.cuda.KernelLauncher.ptr;
import static cl2cm.engine.cuda.KernelLauncher.same;

/**
 * Work over all of a model's parameters in a few launches (the multi-tensor ops of kernels.cu): a chunk table lists
 * every tensor's element ranges, and one kernel walks it for the global gradient norm, for clipping to it, and for
 * the Adam/AdamW update.
 */
final class MultiTensorKernels {
    private final CudaBackend be;
    private final Kernels kernels;
    private final DeviceAllocator allocator;

    MultiTensorKernels(CudaBackend be, Kernels kernels, DeviceAllocator allocator) {
        this.be = be;
        this.kernels = kernels;
        this.allocator = allocator;
    }

    /** Elements per entry of a chunk table (kernels.cu, multi-tensor ops). */
    private static final long CHUNK = 1 << 16;

    /**
     * The chunk table of some tensors, uploaded: for each chunk the addresses of the same element range in each
     * column's storage, then its length (columns.length + 1 int64 per chunk). Returns the block; chunks[0] gets the
     * chunk count.
     */
    @SafeVarargs
    private DeviceAllocator.Block chunkTable(int[] chunks, List<Storage>... columns) {
        List<Storage> first = columns[0];
        long count = 0;
        for (Storage x : first) {
            count += (x.numel() + CHUNK - 1) / CHUNK;
        }
        int stride = columns.length + 1;
        long[] table = new long[(int) (stride * count)];
        int c = 0;
        for (int k = 0; k < first.size(); k++) {
            long n = first.get(k).numel();
            long[] base = new long[columns.length];
            for (int col = 0; col < columns.length; col++) {
                base[col] = DeviceAddress.of(ptr(columns[col].get(k)));
            }
            for (long i = 0; i < n; i += CHUNK) {
                for (int col = 0; col < columns.length; col++) {
                    table[stride * c + col] = base[col] + i * first.get(k).dtype().bytes();
                }
                table[stride * c + columns.length] = Math.min(CHUNK, n - i);
                c++;
            }
        }
        chunks[0] = c;
        DeviceAllocator.Block b = allocator.allocate(table.length * 8L, "chunk table");
        be.upload(b.ptr(), table.length * 8L, buf -> buf.asLongBuffer().put(table), () -> Pointer.to(table));
        return b;
    }

    void globalNorm(List<Storage> xs, Storage out) {
        OptimizerKernels.requireNorm(out, "globalNorm");
        if (xs.isEmpty()) {
            be.fill(new View(out, new int[]{1}, new int[]{1}, 0), 0);
            return;
        }
        DType t = same("global norm", xs.toArray(new Storage[0]));
        int[] chunks = new int[1];
        DeviceAllocator.Block table = chunkTable(chunks, xs);
        try (TensorScope scope = TensorScope.open("global norm")) {
            CudaStorage partial = be.newStorage(DType.F64, chunks[0]);
            kernels.sumSquaresChunks(t, table.ptr(), chunks[0], partial.at(0));
            CudaStorage total = be.newStorage(DType.F64, 1);
            be.reduce(ReduceOp.SUM, partial, 1, chunks[0], 1, total);
            be.unary(UnaryOp.SQRT, 0, 0, total, out, 1);
        } finally {
            allocator.release(table);
        }
    }

    void clipToNorm(List<Storage> xs, Storage norm, double maxNorm) {
        if (xs.isEmpty()) {
            return;
        }
        OptimizerKernels.requireNorm(norm, "clipToNorm");
        DType t = same("clip to norm", xs.toArray(new Storage[0]));
        int[] chunks = new int[1];
        DeviceAllocator.Block table = chunkTable(chunks, xs);
        try {
            kernels.clipChunks(t, table.ptr(), chunks[0], ptr(norm), maxNorm);
        } finally {
            allocator.release(table);
        }
    }

    void adamUpdate(List<AdamTensors> tensors, Storage step, double beta1, double beta2, double eps,
                           double weightDecay, boolean decoupled) {
        if (tensors.isEmpty()) {
            return;
        }
        OptimizerKernels.requireAdamStep(step);
        List<Storage> p = tensors.stream().map(AdamTensors::param).toList();
        List<Storage> g = tensors.stream().map(AdamTensors::grad).toList();
        List<Storage> m = tensors.stream().map(AdamTensors::m).toList();
        List<Storage> v = tensors.stream().map(AdamTensors::v).toList();
        DType t = same("adam", java.util.stream.Stream.of(p, g, m, v).flatMap(List::stream).toArray(Storage[]::new));
        int[] chunks = new int[1];
        DeviceAllocator.Block table = chunkTable(chunks, p, g, m, v);
        try {
            kernels.adamChunks(t, table.ptr(), chunks[0], ptr(step), beta1, beta2, eps, weightDecay, decoupled);
        } finally {
            allocator.release(table);
        }
    }
}
