package cl2cm.engine.autograd;

import cl2cm.engine.tensor.Tensor;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Remembers, for every op recorded while it is registered, the module that ran it ({@link ModulePath#describe}), so
 * tools can group a graph by module ({@link GraphDot}).
 */
public final class ModuleTrail implements OpHook {
    private final Map<Tensor, String> modules = Collections.synchronizedMap(new IdentityHashMap<>());

    @Override
    public void forward(String op, Tensor[] inputs, Tensor output) {
        modules.put(output, ModulePath.describe());
    }

    /** "text.bert.encoder.layer.0.attention (MultiHeadAttention in CrossModal)", or "" outside every module. */
    public String moduleOf(Tensor t) {
        return modules.getOrDefault(t, "");
    }
}
