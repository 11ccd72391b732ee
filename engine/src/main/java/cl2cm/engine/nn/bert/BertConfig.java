package cl2cm.engine.nn.bert;

/**
 * Hyper-parameters of a BERT encoder, named as in Hugging Face's BertConfig. {@code geluTanh} selects the tanh
 * approximation ("gelu_new"/"gelu_pytorch_tanh"); Hugging Face BERT's default "gelu" is the exact erf form. The
 * word embedding row {@code padTokenId} receives no gradient, as in Hugging Face.
 */
public record BertConfig(int vocabSize, int hiddenSize, int numHiddenLayers, int numAttentionHeads,
                         int intermediateSize, int maxPositionEmbeddings, int typeVocabSize, double hiddenDropoutProb,
                         double attentionProbsDropoutProb, double layerNormEps, double initializerRange,
                         boolean geluTanh, int padTokenId) {
    public BertConfig {
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("hidden size " + hiddenSize + " is not a multiple of "
                    + numAttentionHeads + " attention heads");
        }
        if (vocabSize < 1 || numHiddenLayers < 0 || intermediateSize < 1 || maxPositionEmbeddings < 1) {
            throw new IllegalArgumentException("bad BERT config " + this);
        }
    }

    /** Multilingual BERT base (cased): 119,547 WordPiece ids, 12 layers of 768 with 12 heads. */
    public static BertConfig mbertBase() {
        return new BertConfig(119547, 768, 12, 12, 3072, 512, 2, 0.1, 0.1, 1e-12, 0.02, false, 0);
    }

    /** A small encoder trained from scratch (positions up to maxLen). */
    public static BertConfig small(int vocab, int hidden, int layers, int heads, int ffn, int maxLen, double dropout) {
        return new BertConfig(vocab, hidden, layers, heads, ffn, maxLen, 2, dropout, dropout, 1e-12, 0.02, false, 0);
    }

    public int headSize() {
        return hiddenSize / numAttentionHeads;
    }
}
