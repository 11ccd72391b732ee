package cl2cm.engine.io;

import cl2cm.engine.nn.Module;
import cl2cm.engine.optim.Optimizer;
import cl2cm.engine.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A training checkpoint in one safetensors file, written atomically: the model's trained state (its state dict
 * without frozen parameters, {@link Module#trainedStateDict()}) under {@code model.<name>}, the optimizer state under
 * {@code optimizer.<slot>.<name>}, and string metadata (optimizer step and learning rate under {@code optimizer.*},
 * plus whatever the trainer adds: epoch, RNG state, config). The model part alone, without the prefix, is what
 * {@link SafeTensors#write} of {@code module.trainedStateDict()} gives.
 */
public final class Checkpoint {
    private static final String MODEL = "model.";
    private static final String OPT = "optimizer.";

    private Checkpoint() {
    }

    public static void save(Path file, Module model, Optimizer optimizer, Map<String, String> extra) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        model.trainedStateDict().forEach((k, v) -> tensors.put(MODEL + k, v));
        Map<String, String> meta = new LinkedHashMap<>();
        if (optimizer != null) {
            optimizer.stateDict().forEach((k, v) -> tensors.put(OPT + k, v));
            optimizer.metadata().forEach((k, v) -> meta.put(OPT + k, v));
        }
        if (extra != null) {
            meta.putAll(extra);
        }
        SafeTensors.write(file, tensors, meta);
    }

    /** Restores model and optimizer in place and returns the metadata (for the trainer's own entries). */
    public static Map<String, String> load(Path file, Module model, Optimizer optimizer) throws IOException {
        try (SafeTensors.Reader r = SafeTensors.open(file)) {
            Map<String, Tensor> modelState = new LinkedHashMap<>();
            Map<String, Tensor> optState = new LinkedHashMap<>();
            for (String name : r.entries().keySet()) {
                if (name.startsWith(MODEL)) {
                    modelState.put(name.substring(MODEL.length()), r.tensor(name));
                } else if (name.startsWith(OPT)) {
                    optState.put(name.substring(OPT.length()), r.tensor(name));
                } else {
                    throw new IOException(file + ": tensor '" + name + "' is neither model.* nor optimizer.*; "
                            + "is this a weights file rather than a training checkpoint?");
                }
            }
            try {
                model.loadStateDict(modelState, true);
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": " + e.getMessage(), e);
            }
            Map<String, String> meta = r.metadata();
            if (optimizer != null) {
                Map<String, String> optMeta = new LinkedHashMap<>();
                meta.forEach((k, v) -> {
                    if (k.startsWith(OPT)) {
                        optMeta.put(k.substring(OPT.length()), v);
                    }
                });
                try {
                    optimizer.loadStateDict(optState, optMeta);
                } catch (IllegalArgumentException e) {
                    throw new IOException(file + ": " + e.getMessage(), e);
                }
            }
            return meta;
        }
    }
}
