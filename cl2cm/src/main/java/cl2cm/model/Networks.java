package cl2cm.model;

import cl2cm.config.Cl2cmConfig;
import cl2cm.engine.backend.Backend;
import cl2cm.engine.nn.Module;
import cl2cm.engine.nn.bert.BertConfig;
import cl2cm.engine.nn.bert.BertModel;
import cl2cm.engine.nn.bert.PretrainedBert;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;

/** CL2CM's two networks, built from a config. */
public final class Networks {
    private Networks() {
    }

    /** Cross-modal network: vision encoder + one text encoder for source and target captions. */
    public static final class CrossModal extends Module {
        public final VisionEncoder vision;
        public final TextEncoder text;

        CrossModal(VisionEncoder vision, TextEncoder text) {
            this.vision = registerModule("vision", vision);
            this.text = registerModule("text", text);
        }
    }

    /** Cross-lingual network: one text encoder for source and target captions. */
    public static final class CrossLingual extends Module {
        public final TextEncoder text;

        CrossLingual(TextEncoder text) {
            this.text = registerModule("text", text);
        }
    }

    static BertConfig bert(Cl2cmConfig c, int vocabSize) {
        Cl2cmConfig.Text t = c.text();
        return BertConfig.small(vocabSize, t.hidden(), t.layers(), t.heads(), t.ffn(), t.maxLen(), t.dropout());
    }

    /** {@code featureDim}: the width of the feature vectors or frame features when {@code vision.input} uses them. */
    public static CrossModal crossModal(Cl2cmConfig c, int vocabSize, int featureDim, Rng rng, Backend be) {
        Cl2cmConfig.Vision v = c.vision();
        VisionEncoder vision = v.features()
                ? VisionEncoder.features(featureDim, v.hidden(), c.embedDim(), 0.2, rng, DType.F32, be)
                : v.frames() ? VisionEncoder.frames(featureDim, v.hidden(), 4, c.embedDim(), 0.1, rng, DType.F32, be)
                : VisionEncoder.convNet(v.channels().stream().mapToInt(Integer::intValue).toArray(), c.embedDim(), rng,
                        DType.F32, be);
        return new CrossModal(vision, text(c, vocabSize, rng, be));
    }

    public static CrossLingual crossLingual(Cl2cmConfig c, int vocabSize, Rng rng, Backend be) {
        return new CrossLingual(text(c, vocabSize, rng, be));
    }

    /**
     * A small BERT from scratch, or, with {@code text.pretrained} set, the pre-trained BERT of that folder (e.g. the
     * converted mBERT) with everything below the top {@code text.trainTopLayers} layers frozen.
     */
    static TextEncoder text(Cl2cmConfig c, int vocabSize, Rng rng, Backend be) {
        String dir = c.text().pretrained();
        if (dir.isEmpty()) {
            return new TextEncoder(bert(c, vocabSize), c.embedDim(), rng, DType.F32, be);
        }
        try {
            BertModel bert = cl2cm.engine.tensor.TensorScope.persistent(() -> {
                try {
                    return PretrainedBert.load(java.nio.file.Path.of(dir), DType.F32, be);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            if (bert.config().vocabSize() != vocabSize) {
                throw new IllegalArgumentException(dir + ": the model has " + bert.config().vocabSize()
                        + " token ids but the tokenizer " + vocabSize);
            }
            bert.trainOnlyTopLayers(Math.min(c.text().trainTopLayers(), bert.config().numHiddenLayers()));
            return new TextEncoder(bert, c.embedDim(), rng, DType.F32, be);
        } catch (java.io.UncheckedIOException e) {
            throw new IllegalArgumentException("text.pretrained: " + e.getCause().getMessage(), e);
        }
    }
}
