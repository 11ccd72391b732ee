package cl2cm.engine.tensor;

import cl2cm.engine.autograd.GradMode;
import cl2cm.engine.ops.Views;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorTest {
    private static Tensor arange(int... shape) {
        float[] v = new float[(int) Shape.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        return Tensor.of(v, shape);
    }

    @Test
    void viewsShareStorageAndIndexCorrectly() {
        Tensor x = arange(2, 3, 4);
        Tensor t = x.transpose(0, 2);
        assertSame(x.storage(), t.storage());
        assertArrayEquals(new int[]{4, 3, 2}, t.shape());
        // t[1, 2, 1] == x[1, 2, 1] = 1*12 + 2*4 + 1
        assertEquals(21.0, t.narrow(0, 1, 1).narrow(1, 2, 1).narrow(2, 1, 1).item());
        Tensor n = x.narrow(1, 1, 2);
        assertSame(x.storage(), n.storage());
        assertArrayEquals(new double[]{4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23}, n.toDoubleArray());
        Tensor e = arange(3, 1).expand(3, 4);
        assertSame(e.storage(), e.storage());
        assertArrayEquals(new double[]{0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2}, e.toDoubleArray());
        assertArrayEquals(new int[]{2, 12}, x.reshape(2, -1).shape());
        assertArrayEquals(new double[]{0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, arange(3, 4).mT().reshape(-1).toDoubleArray());
    }

    @Test
    void broadcastingFollowsNumpy() {
        Tensor a = arange(2, 1, 3);
        Tensor b = arange(4, 1);
        Tensor c = a.add(b);
        assertArrayEquals(new int[]{2, 4, 3}, c.shape());
        double[] v = c.toDoubleArray();
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 4; j++) {
                for (int k = 0; k < 3; k++) {
                    assertEquals(3 * i + k + j, v[i * 12 + j * 3 + k], 1e-9); // a[i,0,k] + b[j,0]
                }
            }
        }
    }

    @Test
    void shapeErrorsNameTheOpAndBothShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> arange(2, 3).add(arange(4)));
        assertTrue(e.getMessage().contains("add") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> arange(2, 3).matmul(arange(2, 3)));
        assertTrue(e.getMessage().contains("matmul") && e.getMessage().contains("[2, 3] @ [2, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> arange(2, 3).reshape(4, 2));
        assertTrue(e.getMessage().contains("reshape"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> arange(2, 3).sum(2, false));
        assertTrue(e.getMessage().contains("sum") && e.getMessage().contains("out of range"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> arange(2, 3).to(DType.F64).add(arange(2, 3)));
        assertThrows(IllegalArgumentException.class, () -> Views.concat(List.of(arange(2, 3), arange(3, 3)), 1));
    }

    @Test
    void backwardAccumulatesAndFreesTheGraph() {
        Tensor w = Tensor.of(new float[]{1, 2, 3}, 3).requiresGrad(true);
        Tensor loss = w.mul(w).sum();
        loss.backward();
        assertArrayEquals(new float[]{2, 4, 6}, w.grad().toFloatArray());
        // a second forward/backward accumulates into the same gradient
        w.mul(3.0).sum().backward();
        assertArrayEquals(new float[]{5, 7, 9}, w.grad().toFloatArray());
        // the graph of the first loss is gone
        assertThrows(IllegalStateException.class, loss::backward);
        w.zeroGrad();
        assertNull(w.grad());
    }

    @Test
    void noGradAndDetachStopRecording() {
        Tensor w = Tensor.of(new float[]{1, 2}, 2).requiresGrad(true);
        try (var g = GradMode.disabled()) {
            assertFalse(w.mul(2.0).requiresGrad());
        }
        assertTrue(w.mul(2.0).requiresGrad());
        assertFalse(w.detach().mul(2.0).requiresGrad());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.detach().sum().backward());
        assertTrue(e.getMessage().contains("does not require grad"), e.getMessage());
    }

    @Test
    void scopesReleaseIntermediatesButKeepWhatIsKeptAndParameters() {
        Tensor param = Tensor.of(new float[]{1, 2, 3}, 3).requiresGrad(true);
        Tensor kept;
        Tensor temp;
        try (TensorScope scope = TensorScope.open("step")) {
            temp = param.mul(param);
            Tensor loss = temp.sum();
            loss.backward();
            kept = scope.keep(loss.detach());
            assertTrue(scope.ownedCount() > 0);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, temp::toDoubleArray);
        assertTrue(e.getMessage().contains("TensorScope 'step'"), e.getMessage());
        assertEquals(14.0, kept.item());
        assertNotNull(param.grad());
        assertArrayEquals(new float[]{2, 4, 6}, param.grad().toFloatArray(), "gradients of leaves survive the scope");
        assertArrayEquals(new float[]{1, 2, 3}, param.toFloatArray());
    }

    @Test
    void nestedScopesMustCloseInOrder() {
        TensorScope outer = TensorScope.open("outer");
        TensorScope inner = TensorScope.open("inner");
        assertThrows(IllegalStateException.class, outer::close);
        inner.close();
        outer.close();
    }

    @Test
    void sameSeedSameResultBitForBit() {
        double[] a = run();
        double[] b = run();
        assertArrayEquals(a, b, 0.0);
    }

    private static double[] run() {
        Rng rng = new Rng(5);
        Tensor x = rng.normal(0, 1, DType.F32, cl2cm.engine.backend.Devices.cpu(), 64, 300);
        Tensor w = rng.normal(0, 1, DType.F32, cl2cm.engine.backend.Devices.cpu(), 300, 200).requiresGrad(true);
        Tensor y = cl2cm.engine.ops.Nn.dropout(x.matmul(w).gelu(), 0.1, true, rng).softmax(-1);
        y.mul(y).sum().backward();
        return w.grad().toDoubleArray();
    }
}
