package cl2cm.engine.autograd;

import cl2cm.engine.tensor.Tensor;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Remembers, for every op recorded while it is registered, the chain of modules that ran it (see {@link CallSite}),
 * so tools can group a graph by module ({@link GraphDot}). Walks the stack per op: for inspection, not training.
 */
public final class ModuleTrail implements OpHook {
    private final Map<Tensor, String> chains = Collections.synchronizedMap(new IdentityHashMap<>());

    @Override
    public void forward(String op, Tensor[] inputs, Tensor output) {
        chains.put(output, CallSite.here().moduleChain());
    }

    /** "BertModel > BertLayer > MultiHeadAttention > Linear", or "" for an op outside every module. */
    public String chainOf(Tensor t) {
        return chains.getOrDefault(t, "");
    }
}
