package cl2cm.engine.cuda;

import cl2cm.engine.backend.Devices;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the CUDA backend promises beyond kernel parity (BackendParityTest): memory, errors, precision. */
class CudaBackendTest {
    private static CudaBackend cuda;

    @BeforeAll
    static void gpu() {
        String why = CudaBackend.unavailableReason();
        Assumptions.assumeTrue(why == null, "CUDA tests skipped: " + why);
        cuda = CudaBackend.instance();
    }

    @Test
    void outOfMemorySaysHowMuch() {
        CudaError e = assertThrows(CudaError.class, () -> cuda.allocate(DType.F32, 1L << 40));
        assertTrue(e.getMessage().contains("4,398,046,511,104 bytes") && e.getMessage().contains("free"),
                e.getMessage());
    }

    @Test
    void aTrainingLoopReusesCachedBlocks() {
        Rng r = new Rng(1);
        Tensor w = TensorScope.persistent(() -> r.normal(0, 1, DType.F32, cuda, 64, 64).requiresGrad(true));
        Runnable step = () -> {
            try (TensorScope s = TensorScope.open("step")) {
                Tensor x = r.normal(0, 1, DType.F32, cuda, 32, 64);
                x.matmul(w).relu().softmax(-1).sum().backward();
                w.grad().sum().item();
            }
        };
        step.run();
        step.run();
        long before = cuda.memoryStats().allocations();
        for (int i = 0; i < 10; i++) {
            step.run();
        }
        assertEquals(before, cuda.memoryStats().allocations(), "steady-state steps must not call cuMemAlloc");
    }

    @Test
    void theProfilerTimesKernelsAndGemms() {
        try (TensorScope s = TensorScope.open("profiled")) {
            Rng r = new Rng(2);
            Tensor a = r.normal(0, 1, DType.F32, cuda, 256, 128);
            Tensor b = r.normal(0, 1, DType.F32, cuda, 128, 64);
            long before = System.nanoTime();
            cuda.startProfiling();
            a.matmul(b).relu().sum().item();
            KernelProfiler.Report report = cuda.stopProfiling();
            long after = System.nanoTime();
            // the timeline: every launch, in order, on the host clock within the profiled interval
            assertEquals(report.launches(), report.timeline().size());
            long last = before;
            for (KernelProfiler.Launch l : report.timeline()) {
                assertTrue(l.startNanos() >= last - 50_000 && l.endNanos() >= l.startNanos() && l.endNanos() <= after,
                        l + " between " + before + " and " + after);
                last = l.startNanos();
            }
            assertTrue(report.entries().stream().anyMatch(e -> e.name().startsWith("cublas gemm 256x64x128")
                    && e.calls() == 1 && e.totalMs() > 0), report.table(10, 1));
            assertTrue(report.entries().stream().anyMatch(e -> e.name().startsWith("unary")), report.table(10, 1));
            assertTrue(report.gpuMs() <= report.wallMs(), report.table(10, 1));
        }
        assertThrows(IllegalStateException.class, cuda::stopProfiling);
    }

    @Test
    void releasedTensorsAndMixedDevicesFailClearly() {
        Tensor a;
        try (TensorScope s = TensorScope.open("short-lived")) {
            a = Tensor.zeros(DType.F32, cuda, 3);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, a::toFloatArray);
        assertTrue(e.getMessage().contains("short-lived"), e.getMessage());
        Tensor g = Tensor.zeros(DType.F32, cuda, 3);
        Tensor c = Tensor.zeros(DType.F32, Devices.cpu(), 3);
        IllegalArgumentException m = assertThrows(IllegalArgumentException.class, () -> g.add(c));
        assertTrue(m.getMessage().contains("cuda") && m.getMessage().contains("cpu"), m.getMessage());
    }

    @Test
    void tf32IsCloseToFp32AndFp32IsExact() {
        Rng r = new Rng(2);
        int n = 256;
        double[] x = new double[n * n];
        double[] y = new double[n * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextDouble() - 0.5;
            y[i] = r.nextDouble() - 0.5;
        }
        float[] ref = Tensor.of(x, DType.F32, Devices.cpu(), n, n).matmul(Tensor.of(y, DType.F32, Devices.cpu(), n, n))
                .toFloatArray();
        try {
            for (CudaBackend.Precision p : CudaBackend.Precision.values()) {
                cuda.setPrecision(p);
                float[] got = Tensor.of(x, DType.F32, cuda, n, n).matmul(Tensor.of(y, DType.F32, cuda, n, n))
                        .toFloatArray();
                double worst = 0;
                for (int i = 0; i < got.length; i++) {
                    worst = Math.max(worst, Math.abs(got[i] - ref[i]));
                }
                double tol = p == CudaBackend.Precision.FP32 ? 1e-4 : 2e-2;
                assertTrue(worst < tol, p + ": max |diff| " + worst);
            }
        } finally {
            cuda.setPrecision(CudaBackend.Precision.FP32);
        }
    }

    @Test
    void linearLayersAddTheirBiasInTheGemm() {
        // cuBLASLt ships with every CUDA toolkit that has cuBLAS; its bias epilogue replaces the broadcast copy.
        assertEquals(null, cuda.cublasLtUnavailableReason());
        Rng r = new Rng(3);
        int rows = 300, in = 70, out = 45;
        double[] x = new double[rows * in];
        double[] w = new double[out * in];
        double[] b = new double[out];
        for (double[] v : new double[][]{x, w, b}) {
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextDouble() - 0.5;
            }
        }
        float[] ref = cl2cm.engine.ops.Nn.linear(Tensor.of(x, DType.F32, Devices.cpu(), rows, in),
                Tensor.of(w, DType.F32, Devices.cpu(), out, in), Tensor.of(b, DType.F32, Devices.cpu(), out)).toFloatArray();
        try (TensorScope s = TensorScope.open("linear")) {
            for (CudaBackend.Precision p : CudaBackend.Precision.values()) {
                cuda.setPrecision(p);
                cuda.startProfiling();
                float[] got = cl2cm.engine.ops.Nn.linear(Tensor.of(x, DType.F32, cuda, rows, in),
                        Tensor.of(w, DType.F32, cuda, out, in), Tensor.of(b, DType.F32, cuda, out)).toFloatArray();
                KernelProfiler.Report report = cuda.stopProfiling();
                assertTrue(report.entries().stream().anyMatch(e -> e.name().startsWith("cublasLt gemm+bias 300x45x70")),
                        report.table(10, 1));
                assertTrue(report.entries().stream().noneMatch(e -> e.name().startsWith("copy")), report.table(10, 1));
                double worst = 0;
                for (int i = 0; i < got.length; i++) {
                    worst = Math.max(worst, Math.abs(got[i] - ref[i]));
                }
                assertTrue(worst < (p == CudaBackend.Precision.FP32 ? 1e-5 : 1e-2), p + ": max |diff| " + worst);
            }
        } finally {
            cuda.setPrecision(CudaBackend.Precision.FP32);
        }
    }

    @Test
    void shortSequenceAttentionIsOneKernelEachWay() {
        Rng r = new Rng(4);
        try (TensorScope s = TensorScope.open("attention")) {
            Tensor q = r.normal(0, 1, DType.F32, cuda, 8, 32, 256).requiresGrad(true);
            Tensor k = r.normal(0, 1, DType.F32, cuda, 8, 32, 256).requiresGrad(true);
            Tensor v = r.normal(0, 1, DType.F32, cuda, 8, 32, 256).requiresGrad(true);
            cuda.startProfiling();
            Tensor ctx = cl2cm.engine.ops.Attention.multiHead(q, k, v, null, 4, 0.1, true, new Rng(5));
            ctx.mul(r.normal(0, 1, DType.F32, cuda, 8, 32, 256)).sum().backward();
            q.grad().sum().item();
            KernelProfiler.Report report = cuda.stopProfiling();
            for (String kernel : new String[]{"attention_f32", "attention_backward_f32"}) {
                assertTrue(report.entries().stream().anyMatch(e -> e.name().equals(kernel) && e.calls() == 1),
                        report.table(20, 1));
            }
            // No batched GEMMs, softmax or dropout passes, and no copies between head layouts.
            assertTrue(report.entries().stream().noneMatch(e -> e.name().startsWith("cublas")
                    || e.name().startsWith("softmax") || e.name().startsWith("dropout")
                    || e.name().contains("from strides")), report.table(20, 1));
        }
    }
}
