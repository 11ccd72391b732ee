package cl2cm.engine.nn;

import cl2cm.engine.Fixtures;
import cl2cm.engine.backend.Devices;
import cl2cm.engine.nn.bert.BertConfig;
import cl2cm.engine.nn.bert.BertModel;
import cl2cm.engine.nn.vision.ResNet;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A tiny randomly initialised Hugging Face BertModel and tiny torchvision-style ResNets (fixtures made with PyTorch
 * 2.11 / transformers 5.17): load their state dicts by name, run the same inputs, and compare outputs and the
 * gradients of a scalar loss with respect to the input and every parameter.
 */
class PyTorchModelParityTest {
    /** Tensors named {@code prefix.<name>}, prefix removed. */
    private static Map<String, Tensor> withPrefix(Fixtures fx, String prefix, DType dt) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String k : fx.reader().entries().keySet()) {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), fx.get(k, dt));
            }
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void tinyBertMatchesTransformers(DType dt) throws IOException {
        try (Fixtures fx = Fixtures.open("tiny_bert.safetensors")) {
            BertConfig cfg = new BertConfig(99, 64, 2, 4, 128, 32, 2, 0.0, 0.0, 1e-12, 0.02, false, 0);
            BertModel model = new BertModel(cfg, new Rng(0), dt, Devices.cpu());
            Map<String, Tensor> weights = withPrefix(fx, "weight.", dt);
            weights.keySet().removeIf(k -> k.endsWith("position_ids"));
            model.loadStateDict(weights, true);
            model.eval();
            int[] ids = fx.ints("in.ids");
            // In a scope, as in training: the layers then free intermediates no gradient rule reads (releaseNow).
            try (cl2cm.engine.tensor.TensorScope step = cl2cm.engine.tensor.TensorScope.open("bert step")) {
                BertModel.Output out = model.forward(ids, 2, 7, fx.get("in.mask", dt), fx.ints("in.types"));
                double rtol = Fixtures.rtol(dt);
                fx.assertClose("out.last_hidden_state", out.lastHiddenState(), rtol);
                fx.assertClose("out.pooled", out.pooled(), rtol);
                Tensor loss = out.lastHiddenState().mul(fx.get("in.r_hidden", dt)).sum()
                        .add(out.pooled().mul(fx.get("in.r_pooled", dt)).sum());
                fx.assertClose("out.loss", loss, rtol);
                loss.backward();
                Set<String> names = model.namedParameters().keySet();
                assertEquals(withPrefix(fx, "grad.", dt).keySet(), names, "parameter names match Hugging Face's");
                for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
                    if (e.getKey().endsWith("attention.self.key.bias")) {
                        // Analytically zero: the key bias adds the same q.b to every score of a query row, and
                        // softmax ignores such shifts. Both sides hold rounding noise, so check it is noise-sized.
                        for (double v : e.getValue().grad().toDoubleArray()) {
                            assertEquals(0.0, v, dt == DType.F32 ? 1e-5 : 1e-12, e.getKey());
                        }
                        continue;
                    }
                    fx.assertClose("grad." + e.getKey(), e.getValue().grad(), rtol);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void tinyResNetMatchesTorchvisionLayoutInTrainingMode(boolean largeStem) throws IOException {
        for (DType dt : DType.values()) {
            String file = largeStem ? "tiny_resnet_large_stem.safetensors" : "tiny_resnet.safetensors";
            try (Fixtures fx = Fixtures.open(file)) {
                ResNet model = new ResNet(new ResNet.Config(3, new int[]{8, 16}, new int[]{1, 1}, largeStem, 5),
                        new Rng(0), dt, Devices.cpu());
                Map<String, Tensor> weights = withPrefix(fx, "weight.", dt);
                model.loadStateDict(weights, true);
                model.train(true);
                Tensor x = fx.get("in.x", dt).requiresGrad(true);
                Tensor logits = model.forward(x);
                double rtol = Fixtures.rtol(dt);
                fx.assertClose("out.logits", logits, rtol);
                logits.mul(fx.get("in.r", dt)).sum().backward();
                fx.assertClose("grad.input", x.grad(), rtol);
                for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
                    fx.assertClose("grad." + e.getKey(), e.getValue().grad(), rtol);
                }
                for (Map.Entry<String, Tensor> e : model.namedBuffers().entrySet()) {
                    fx.assertClose("after." + e.getKey(), e.getValue(), rtol);
                }
            }
        }
    }
}
