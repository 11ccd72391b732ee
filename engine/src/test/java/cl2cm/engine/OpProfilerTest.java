package cl2cm.engine;

import cl2cm.engine.autograd.OpHook;
import cl2cm.engine.autograd.OpProfiler;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The op profiler counts every op once per direction, charges it time, and knows a product's FLOPs. */
class OpProfilerTest {
    @Test
    void countsOpsBothWaysWithProductFlops() {
        Tensor a = Tensor.of(new double[12], DType.F64, 4, 3).requiresGrad(true);
        Tensor b = Tensor.of(new double[15], DType.F64, 3, 5).requiresGrad(true);
        OpProfiler p = new OpProfiler();
        try (var h = OpHook.add(p)) {
            p.mark();
            a.matmul(b).tanh().sum().backward();
        }
        List<OpProfiler.Row> rows = p.rows();
        OpProfiler.Row fwd = rows.stream().filter(r -> r.direction().equals("forward") && r.op().equals("matmul"))
                .findFirst().orElseThrow();
        assertEquals(1, fwd.calls());
        assertEquals(2L * 4 * 5 * 3, fwd.flops(), "2 m n k");
        assertEquals(4 * 5 * 8, fwd.bytes(), "its float64 output");
        for (String op : new String[]{"matmul", "tanh", "sum"}) {
            assertTrue(rows.stream().anyMatch(r -> r.direction().equals("backward") && r.op().equals(op)), op);
        }
        assertTrue(rows.stream().allMatch(r -> r.nanos() >= 0));
        String table = p.table(10, 1, 1.0);
        assertTrue(table.contains("forward   matmul") && table.contains("ops account for"), table);
        p.reset();
        assertTrue(p.rows().isEmpty());
    }

    @Test
    void convolutionAndAttentionFlops() {
        Tensor x = Tensor.zeros(2, 3, 5, 5);
        Tensor w = Tensor.zeros(4, 3, 3, 3);
        Tensor y = Tensor.zeros(2, 4, 5, 5);
        assertEquals(2L * (2 * 4 * 5 * 5) * (3 * 3 * 3), OpProfiler.productFlops("conv2d", new Tensor[]{x, w}, y),
                "one product per output value over in-channels x kernel area");
        Tensor q = Tensor.zeros(2, 7, 8);
        Tensor k = Tensor.zeros(2, 9, 8);
        assertEquals(2 * (2L * 2 * 7 * 9 * 8), OpProfiler.productFlops("attention", new Tensor[]{q, k, k}, q),
                "Q K^T and P V");
        assertEquals(0, OpProfiler.productFlops("tanh", new Tensor[]{q}, q));
    }
}
