package cl2cm.model;

import cl2cm.config.Cl2cmConfig;
import cl2cm.engine.backend.Backend;
import cl2cm.engine.nn.Module;
import cl2cm.engine.nn.bert.BertConfig;
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

    public static CrossModal crossModal(Cl2cmConfig c, int vocabSize, Rng rng, Backend be) {
        int[] ch = c.vision().channels().stream().mapToInt(Integer::intValue).toArray();
        return new CrossModal(VisionEncoder.convNet(ch, c.embedDim(), rng, DType.F32, be),
                new TextEncoder(bert(c, vocabSize), c.embedDim(), rng, DType.F32, be));
    }

    public static CrossLingual crossLingual(Cl2cmConfig c, int vocabSize, Rng rng, Backend be) {
        return new CrossLingual(new TextEncoder(bert(c, vocabSize), c.embedDim(), rng, DType.F32, be));
    }
}
