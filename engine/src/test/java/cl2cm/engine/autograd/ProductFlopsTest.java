package cl2cm.engine.autograd;

import cl2cm.engine.ops.Nn;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProductFlopsTest {
    @Test
    void aLinearCountsItsForwardAndOneProductPerOperandThatNeedsAGradient() {
        Rng rng = new Rng(1);
        Tensor w = rng.normal(0, 1, DType.F32, cl2cm.engine.backend.Devices.cpu(), 5, 3).requiresGrad(true);
        Tensor b = rng.normal(0, 1, DType.F32, cl2cm.engine.backend.Devices.cpu(), 5).requiresGrad(true);
        for (boolean inputNeedsGrad : new boolean[]{false, true}) {
            Tensor x = rng.normal(0, 1, DType.F32, cl2cm.engine.backend.Devices.cpu(), 4, 3)
                    .requiresGrad(inputNeedsGrad);
            try (TensorScope step = TensorScope.open("step")) {
                ProductFlops f = ProductFlops.count(() -> Nn.linear(x, w, b).tanh().sum().backward());
                long product = 2L * 4 * 5 * 3;
                assertEquals(product, f.forwardFlops());
                assertEquals(inputNeedsGrad ? 2 * product : product, f.backwardFlops(),
                        "dW always; dX only when the input needs a gradient; the bias's sum is no product");
            }
        }
    }

    @Test
    void aBatchedProductCountsEveryMatrix() {
        Rng rng = new Rng(2);
        Tensor a = rng.normal(0, 1, DType.F32, cl2cm.engine.backend.Devices.cpu(), 2, 3, 4).requiresGrad(true);
        Tensor c = rng.normal(0, 1, DType.F32, cl2cm.engine.backend.Devices.cpu(), 2, 4, 6).requiresGrad(true);
        try (TensorScope step = TensorScope.open("step")) {
            ProductFlops f = ProductFlops.count(() -> a.matmul(c).sum().backward());
            assertEquals(2L * 2 * 3 * 6 * 4, f.forwardFlops());
            assertEquals(2 * f.forwardFlops(), f.backwardFlops());
            assertEquals(3 * f.forwardFlops(), f.total());
        }
    }
}
