package cl2cm.engine.nn.bert;

import cl2cm.engine.backend.Backend;
import cl2cm.engine.io.AtomicFile;
import cl2cm.engine.io.SafeTensors;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A pre-trained BERT in a Hugging Face-style folder: {@code config.json} (BertConfig fields), {@code model.safetensors}
 * (BertModel state dict; a {@code bert.} prefix, as in BertForMaskedLM exports, is accepted and heads such as
 * {@code cls.*} are ignored) and {@code vocab.txt}. {@code bin/cl2cm data mbert} writes such a folder from the
 * TensorFlow mBERT release.
 */
public final class PretrainedBert {
    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";
    public static final String VOCAB = "vocab.txt";
    private static final ObjectMapper JSON = new ObjectMapper();

    private PretrainedBert() {
    }

    /** Reads {@code config.json}. */
    public static BertConfig readConfig(Path dir) throws IOException {
        Path file = dir.resolve(CONFIG);
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + " not found: a pre-trained BERT folder needs config.json, model.safetensors "
                    + "and vocab.txt (bin/cl2cm data mbert writes one)");
        }
        JsonNode n = JSON.readTree(file.toFile());
        String act = n.path("hidden_act").asText("gelu");
        if (!act.equals("gelu") && !act.equals("gelu_new") && !act.equals("gelu_pytorch_tanh")) {
            throw new IOException(file + ": hidden_act '" + act + "' is not supported (expected gelu, gelu_new or "
                    + "gelu_pytorch_tanh)");
        }
        return new BertConfig(need(n, "vocab_size", file), need(n, "hidden_size", file),
                need(n, "num_hidden_layers", file), need(n, "num_attention_heads", file),
                need(n, "intermediate_size", file), need(n, "max_position_embeddings", file),
                n.path("type_vocab_size").asInt(2), n.path("hidden_dropout_prob").asDouble(0.1),
                n.path("attention_probs_dropout_prob").asDouble(0.1), n.path("layer_norm_eps").asDouble(1e-12),
                n.path("initializer_range").asDouble(0.02), !act.equals("gelu"), n.path("pad_token_id").asInt(0));
    }

    private static int need(JsonNode n, String field, Path file) throws IOException {
        if (!n.has(field) || !n.get(field).canConvertToInt()) {
            throw new IOException(file + ": missing integer field '" + field + "'");
        }
        return n.get(field).asInt();
    }

    /** Writes {@code config.json} in Hugging Face's format. */
    public static void writeConfig(BertConfig c, Path dir) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.putArray("architectures").add("BertModel");
        n.put("model_type", "bert");
        n.put("vocab_size", c.vocabSize());
        n.put("hidden_size", c.hiddenSize());
        n.put("num_hidden_layers", c.numHiddenLayers());
        n.put("num_attention_heads", c.numAttentionHeads());
        n.put("intermediate_size", c.intermediateSize());
        n.put("max_position_embeddings", c.maxPositionEmbeddings());
        n.put("type_vocab_size", c.typeVocabSize());
        n.put("hidden_act", c.geluTanh() ? "gelu_pytorch_tanh" : "gelu");
        n.put("hidden_dropout_prob", c.hiddenDropoutProb());
        n.put("attention_probs_dropout_prob", c.attentionProbsDropoutProb());
        n.put("layer_norm_eps", c.layerNormEps());
        n.put("initializer_range", c.initializerRange());
        n.put("pad_token_id", c.padTokenId());
        AtomicFile.writeString(dir.resolve(CONFIG), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n");
    }

    /** Builds the model from {@code config.json} and loads {@code model.safetensors} strictly. */
    public static BertModel load(Path dir, DType dtype, Backend backend) throws IOException {
        BertConfig config = readConfig(dir);
        BertModel model = new BertModel(config, new Rng(0), dtype, backend);
        Path weights = dir.resolve(WEIGHTS);
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : SafeTensors.read(weights).entrySet()) {
            String name = e.getKey().startsWith("bert.") ? e.getKey().substring(5) : e.getKey();
            if (name.startsWith("cls.") || name.endsWith("position_ids")) {
                continue; // pre-training heads and HF's constant position-id buffer
            }
            state.put(name, e.getValue());
        }
        try {
            model.loadStateDict(state, true);
        } catch (IllegalArgumentException e) {
            throw new IOException(weights + ": " + e.getMessage(), e);
        }
        return model;
    }
}
