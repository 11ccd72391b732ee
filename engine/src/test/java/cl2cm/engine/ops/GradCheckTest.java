package cl2cm.engine.ops;

import cl2cm.engine.autograd.GradCheck;
import cl2cm.engine.autograd.GradCheck.Input;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static cl2cm.engine.TestData.awayFromZero;
import static cl2cm.engine.TestData.distinct;
import static cl2cm.engine.TestData.range;
import static cl2cm.engine.TestData.uniform;

/**
 * Float64 finite-difference checks of every differentiable op, on random shapes including broadcasting and sizes
 * that are not multiples of any vector length.
 */
class GradCheckTest {
    private static Input in(double[] v, int... shape) {
        return Input.of(v, shape);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void binaryOpsWithBroadcasting(int seed) {
        Rng r = new Rng(seed);
        int a = 2 + r.nextInt(3);
        int b = 3 + r.nextInt(5);
        int c = 1 + r.nextInt(7);
        // [a, b, c] op [b, 1] op [c] op scalar-shaped [1]
        Input x = in(uniform(r, a, b, c), a, b, c);
        Input y = in(uniform(r, b, 1), b, 1);
        Input z = in(range(r, 0.5, 2.0, c), c);
        GradCheck.check("add", t -> t[0].add(t[1]), x, y);
        GradCheck.check("sub", t -> t[1].sub(t[0]), x, y);
        GradCheck.check("mul", t -> t[0].mul(t[1]).mul(t[2]), x, y, z);
        GradCheck.check("div", t -> t[0].div(t[1]), x, z);
        GradCheck.check("div numerator broadcast", t -> t[1].div(t[0]), z, y);
        GradCheck.check("maximum", t -> t[0].maximum(t[1]), x, in(uniform(r, a, b, c), a, b, c));
        GradCheck.check("minimum", t -> t[0].minimum(t[1]), x, y);
        GradCheck.check("scalar ops", t -> t[0].add(2.5).mul(-1.5).sub(0.25).div(3.0), x);
    }

    @Test
    void unaryOps() {
        Rng r = new Rng(7);
        int[] s = {3, 13};
        Input x = in(uniform(r, s), s);
        Input pos = in(range(r, 0.2, 3.0, s), s);
        Input kinked = in(awayFromZero(r, s), s);
        GradCheck.check("neg", t -> t[0].neg(), x);
        GradCheck.check("exp", t -> t[0].exp(), x);
        GradCheck.check("log", t -> t[0].log(), pos);
        GradCheck.check("sqrt", t -> t[0].sqrt(), pos);
        GradCheck.check("pow 3", t -> t[0].pow(3), x);
        GradCheck.check("pow -0.5", t -> t[0].pow(-0.5), pos);
        GradCheck.check("abs", t -> t[0].abs(), kinked);
        GradCheck.check("tanh", t -> t[0].tanh(), x);
        GradCheck.check("sigmoid", t -> t[0].sigmoid(), x);
        GradCheck.check("relu", t -> t[0].relu(), kinked);
        GradCheck.check("gelu erf", t -> t[0].mul(3).gelu(), x);
        GradCheck.check("gelu tanh", t -> t[0].mul(3).geluTanh(), x);
        // clamp bounds away from the sampled values' kinks
        GradCheck.check("clamp", t -> t[0].clamp(-0.55, 0.45), in(awayFromZero(r, s), s));
    }

    @Test
    void reductions() {
        Rng r = new Rng(11);
        int[] s = {3, 4, 5};
        Input x = in(uniform(r, s), s);
        GradCheck.check("sum all", t -> t[0].sum(), x);
        GradCheck.check("sum dim 1", t -> t[0].sum(1, false), x);
        GradCheck.check("sum dims 0,2 keepdim", t -> t[0].sum(new int[]{0, 2}, true), x);
        GradCheck.check("mean all", t -> t[0].mean(), x);
        GradCheck.check("mean -1", t -> t[0].mean(-1, false), x);
        Input d = in(distinct(r, s), s);
        GradCheck.check("max dim 2", t -> t[0].max(2, false), d);
        GradCheck.check("max dim 0 keepdim", t -> t[0].max(0, true), d);
        GradCheck.check("max all", t -> t[0].max(), d);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void matmulShapes(int seed) {
        Rng r = new Rng(seed * 31L);
        int m = 1 + r.nextInt(6);
        int k = 1 + r.nextInt(9);
        int n = 1 + r.nextInt(7);
        GradCheck.check("2d", t -> t[0].matmul(t[1]), in(uniform(r, m, k), m, k), in(uniform(r, k, n), k, n));
        GradCheck.check("transposed operands", t -> t[0].mT().matmul(t[1].mT()),
                in(uniform(r, k, m), k, m), in(uniform(r, n, k), n, k));
        GradCheck.check("batched 3d @ 2d", t -> t[0].matmul(t[1]),
                in(uniform(r, 2, m, k), 2, m, k), in(uniform(r, k, n), k, n));
        GradCheck.check("batched broadcast", t -> t[0].matmul(t[1]),
                in(uniform(r, 2, 1, m, k), 2, 1, m, k), in(uniform(r, 3, k, n), 3, k, n));
        GradCheck.check("permuted heads", t -> t[0].permute(0, 2, 1, 3).matmul(t[1].permute(0, 2, 3, 1)),
                in(uniform(r, 2, m, 3, k), 2, m, 3, k), in(uniform(r, 2, n, 3, k), 2, n, 3, k));
        GradCheck.check("vector @ matrix", t -> t[0].matmul(t[1]), in(uniform(r, k), k), in(uniform(r, k, n), k, n));
        GradCheck.check("matrix @ vector", t -> t[0].matmul(t[1]), in(uniform(r, m, k), m, k), in(uniform(r, k), k));
    }

    @Test
    void softmaxFamily() {
        Rng r = new Rng(5);
        Input x = in(uniform(r, 3, 4, 7), 3, 4, 7);
        GradCheck.check("softmax last", t -> t[0].softmax(-1), x);
        GradCheck.check("softmax dim 1", t -> t[0].softmax(1), x);
        GradCheck.check("log softmax", t -> t[0].logSoftmax(-1), x);
        GradCheck.check("log softmax dim 0", t -> t[0].logSoftmax(0), x);
        GradCheck.check("logsumexp", t -> Nn.logSumExp(t[0].mul(5), 1, false), x);
    }

    @Test
    void layerNorm() {
        Rng r = new Rng(9);
        int cols = 11;
        GradCheck.check("layer norm affine", t -> Nn.layerNorm(t[0], t[1], t[2], 1e-5),
                in(uniform(r, 2, 3, cols), 2, 3, cols), in(range(r, 0.5, 1.5, cols), cols), in(uniform(r, cols), cols));
        GradCheck.check("layer norm plain", t -> Nn.layerNorm(t[0], null, null, 1e-5), in(uniform(r, 4, cols), 4, cols));
    }

    @Test
    void viewsAndJoins() {
        Rng r = new Rng(13);
        Input x = in(uniform(r, 2, 3, 5), 2, 3, 5);
        GradCheck.check("reshape", t -> t[0].reshape(6, 5).mul(t[0].reshape(6, 5)), x);
        GradCheck.check("transpose then reshape", t -> t[0].transpose(0, 2).reshape(-1).exp(), x);
        GradCheck.check("permute", t -> t[0].permute(2, 0, 1).contiguous().tanh(), x);
        GradCheck.check("narrow", t -> t[0].narrow(2, 1, 3).exp(), x);
        GradCheck.check("expand", t -> t[0].narrow(1, 0, 1).expand(2, 4, 5).exp(), x);
        GradCheck.check("unsqueeze/squeeze", t -> t[0].unsqueeze(1).squeeze(1).unsqueeze(-1).exp(), x);
        Input y = in(uniform(r, 2, 2, 5), 2, 2, 5);
        GradCheck.check("concat", t -> Views.concat(List.of(t[0], t[1].mul(2)), 1).exp(), x, y);
        GradCheck.check("stack", t -> Views.stack(List.of(t[0], t[0].mul(t[0])), 0).tanh(), x);
        GradCheck.check("split", t -> {
            List<Tensor> parts = Views.split(t[0], 2, 2, 3);
            return parts.get(0).sum(2, true).mul(parts.get(1));
        }, x);
        GradCheck.check("indexSelect dim 0 with repeats", t -> Views.indexSelect(t[0], 0, new int[]{1, 0, 1}).exp(), x);
        GradCheck.check("indexSelect dim 2", t -> Views.indexSelect(t[0], 2, new int[]{4, 0, 4, 2}).exp(), x);
        GradCheck.check("dtype round trip", t -> t[0].to(DType.F32).to(DType.F64).mul(t[0]), 1e-3, 1e-4, 1e-3, x);
    }

    @Test
    void whereAndMaskedFill() {
        Rng r = new Rng(17);
        Input x = in(uniform(r, 3, 6), 3, 6);
        Input y = in(uniform(r, 6), 6);
        double[] m = new double[18];
        for (int i = 0; i < m.length; i++) {
            m[i] = r.nextDouble() < 0.4 ? 1 : 0;
        }
        Tensor mask = Tensor.of(m, DType.F64, 3, 6);
        GradCheck.check("where", t -> Pointwise.where(mask, t[0], t[1]), x, y);
        GradCheck.check("maskedFill then softmax",
                t -> Pointwise.maskedFill(t[0], Tensor.of(new double[]{0, 1, 0, 0, 1, 0}, DType.F64, 6), -1e9).softmax(-1), x);
    }

    @Test
    void dropoutMatmulIsDropoutThenMatmul() {
        Rng r = new Rng(23);
        double[] xs = uniform(r, 2, 3, 4, 5);
        double[] vs = uniform(r, 2, 3, 5, 6);
        Tensor[] fused = {Tensor.of(xs, DType.F64, 2, 3, 4, 5).requiresGrad(true),
                Tensor.of(vs, DType.F64, 2, 3, 5, 6).requiresGrad(true)};
        Tensor[] plain = {Tensor.of(xs, DType.F64, 2, 3, 4, 5).requiresGrad(true),
                Tensor.of(vs, DType.F64, 2, 3, 5, 6).requiresGrad(true)};
        Tensor a = cl2cm.engine.ops.Attention.dropoutMatmul(fused[0], fused[1], 0.4, true, new Rng(7));
        Tensor b = Nn.dropout(plain[0], 0.4, true, new Rng(7)).matmul(plain[1]);
        org.junit.jupiter.api.Assertions.assertArrayEquals(b.toDoubleArray(), a.toDoubleArray());
        a.tanh().sum().backward();
        b.tanh().sum().backward();
        for (int i = 0; i < 2; i++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(plain[i].grad().toDoubleArray(),
                    fused[i].grad().toDoubleArray(), 1e-15);
        }
    }

    @Test
    void embeddingDropoutLinearNormalize() {
        Rng r = new Rng(19);
        GradCheck.check("embedding", t -> Nn.embedding(t[0], new int[]{3, 1, 3, 0, 2, 3}, 2, 3).tanh(),
                in(uniform(r, 5, 4), 5, 4));
        // Dropout: the same seed in every evaluation gives the same mask.
        GradCheck.check("dropout", t -> Nn.dropout(t[0], 0.3, true, new Rng(99)), in(uniform(r, 4, 9), 4, 9));
        GradCheck.check("dropout-add", t -> Nn.dropoutAdd(t[0], t[1].tanh(), 0.3, true, new Rng(99)),
                in(uniform(r, 4, 9), 4, 9), in(uniform(r, 4, 9), 4, 9));
        GradCheck.check("dropout-matmul", t -> cl2cm.engine.ops.Attention.dropoutMatmul(t[0].softmax(-1), t[1], 0.3, true, new Rng(99)),
                in(uniform(r, 2, 3, 4, 5), 2, 3, 4, 5), in(uniform(r, 2, 3, 5, 6), 2, 3, 5, 6));
        GradCheck.check("dropout-matmul, shared right operand", t -> cl2cm.engine.ops.Attention.dropoutMatmul(t[0], t[1], 0.3, true,
                new Rng(99)), in(uniform(r, 3, 4, 5), 3, 4, 5), in(uniform(r, 5, 6), 5, 6));
        GradCheck.check("linear", t -> Nn.linear(t[0], t[1], t[2]),
                in(uniform(r, 2, 3, 5), 2, 3, 5), in(uniform(r, 4, 5), 4, 5), in(uniform(r, 4), 4));
        GradCheck.check("addmm, transposed input", t -> Linalg.addmm(t[0], t[1].mT(), t[2]),
                in(uniform(r, 3), 3), in(uniform(r, 5, 4), 5, 4), in(uniform(r, 5, 3), 5, 3));
        GradCheck.check("l2 normalize", t -> Nn.l2Normalize(t[0], -1, 1e-12), in(uniform(r, 3, 7), 3, 7));
    }

    @Test
    void embeddingPaddingRowGetsNoGradient() {
        Tensor w = Tensor.of(uniform(new Rng(3), 5, 4), DType.F64, 5, 4).requiresGrad(true);
        Nn.embedding(w, 1, new int[]{3, 1, 3, 0, 1, 3}, 2, 3).sum().backward();
        double[] g = w.grad().toDoubleArray();
        double[] rowCounts = {1, 0, 0, 3, 0}; // occurrences of each id, padding id 1 counted as none
        for (int i = 0; i < 20; i++) {
            org.junit.jupiter.api.Assertions.assertEquals(rowCounts[i / 4], g[i], 0.0, "row " + i / 4);
        }
    }

    @Test
    void losses() {
        Rng r = new Rng(23);
        GradCheck.check("cross entropy", t -> Losses.crossEntropy(t[0], new int[]{2, 0, 4, 4}),
                in(uniform(r, 4, 5), 4, 5));
        GradCheck.check("cross entropy ignore index", t -> Losses.crossEntropy(t[0], new int[]{2, -100, 1, -100, 0, 3},
                -100), in(uniform(r, 2, 3, 5), 2, 3, 5));
        GradCheck.check("kl div both inputs", t -> Losses.klDiv(t[0].logSoftmax(-1), t[1].softmax(-1)),
                in(uniform(r, 3, 6), 3, 6), in(uniform(r, 3, 6), 3, 6));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void conv2d(int padding) {
        Rng r = new Rng(29 + padding);
        int stride = 1 + padding;
        GradCheck.check("conv2d stride " + stride + " pad " + padding, t -> Nn.conv2d(t[0], t[1], t[2], stride, padding),
                in(uniform(r, 2, 3, 6, 5), 2, 3, 6, 5), in(uniform(r, 4, 3, 3, 3), 4, 3, 3, 3), in(uniform(r, 4), 4));
    }

    @Test
    void pooling() {
        Rng r = new Rng(31);
        Input x = in(distinct(r, 2, 3, 7, 6), 2, 3, 7, 6);
        GradCheck.check("max pool 2/2", t -> Nn.maxPool2d(t[0], 2, 2, 0), x);
        GradCheck.check("max pool 3/2 pad 1", t -> Nn.maxPool2d(t[0], 3, 2, 1), x);
        GradCheck.check("avg pool 3/1 pad 1", t -> Nn.avgPool2d(t[0], 3, 1, 1), x);
        GradCheck.check("avg pool 2/2", t -> Nn.avgPool2d(t[0], 2, 2, 0), x);
        GradCheck.check("global avg pool", t -> Nn.globalAvgPool(t[0]), x);
    }

    @Test
    void batchNorm() {
        Rng r = new Rng(37);
        GradCheck.check("batch norm 2d train", t -> Nn.batchNorm(t[0], null, null, t[1], t[2], true, 0.1, 1e-5),
                in(uniform(r, 3, 4, 3, 2), 3, 4, 3, 2), in(range(r, 0.5, 1.5, 4), 4), in(uniform(r, 4), 4));
        GradCheck.check("batch norm 1d train", t -> Nn.batchNorm(t[0], null, null, null, null, true, 0.1, 1e-5),
                in(uniform(r, 5, 3), 5, 3));
        Tensor rm = Tensor.of(uniform(r, 4), DType.F64, 4);
        Tensor rv = Tensor.of(range(r, 0.5, 2, 4), DType.F64, 4);
        GradCheck.check("batch norm eval", t -> Nn.batchNorm(t[0], rm, rv, t[1], null, false, 0.1, 1e-5),
                in(uniform(r, 2, 4, 3), 2, 4, 3), in(range(r, 0.5, 1.5, 4), 4));
    }

    @Test
    void aTransformerBlockEndToEnd() {
        // Composition check: attention with mask, residual, layer norm, GELU MLP, mean pooling.
        Rng r = new Rng(41);
        int b = 2, t = 3, d = 4;
        Tensor mask = Tensor.of(new double[]{0, 0, 1, 0, 0, 0}, DType.F64, b, 1, t);
        GradCheck.check("attention block", x -> {
            Tensor h = x[0];
            Tensor q = Nn.linear(h, x[1], null);
            Tensor scores = q.matmul(h.mT()).mul(1 / Math.sqrt(d));
            Tensor att = Pointwise.maskedFill(scores, mask, -1e9).softmax(-1);
            Tensor y = Nn.layerNorm(att.matmul(h).add(h), null, null, 1e-5);
            return Nn.linear(y, x[2], null).gelu().mean(1, false);
        }, in(uniform(r, b, t, d), b, t, d), in(uniform(r, d, d), d, d), in(uniform(r, 5, d), 5, d));
    }
}
