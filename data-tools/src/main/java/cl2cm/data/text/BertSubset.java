package cl2cm.data.text;

import cl2cm.engine.io.AtomicFile;
import cl2cm.engine.io.SafeTensors;
import cl2cm.engine.nn.bert.BertConfig;
import cl2cm.engine.nn.bert.PretrainedBert;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A pre-trained BERT folder cut down to the WordPiece entries that a corpus uses: the vocabulary keeps those entries
 * (and the special tokens) in their original order and the word-embedding matrix keeps their rows, so for every text
 * of the corpus the tokens, and therefore the model's outputs, are exactly those of the full model. (Greedy
 * longest-match WordPiece picks the same pieces from a subset that contains every piece it picked before.) mBERT's
 * 119,547 x 768 embeddings are 367 MB of its 712; a corpus of a few thousand captions needs a few thousand rows.
 * Optionally stored in float16, which halves the file again: for moving a model to a machine with an upload limit.
 */
public final class BertSubset {
    private static final String[] SPECIAL = {WordPieceTokenizer.PAD, WordPieceTokenizer.UNK, WordPieceTokenizer.CLS,
            WordPieceTokenizer.SEP, WordPieceTokenizer.MASK};

    /** What was written: vocabulary entries kept of the original, and the file's parameter count and bytes. */
    public record Result(int kept, int original, long parameters, long bytes) {
    }

    private BertSubset() {
    }

    /**
     * Writes to {@code outDir} the model of {@code modelDir} restricted to the entries that {@code texts} tokenize to
     * ({@code lowerCase}: as for an uncased vocabulary). Checks that every text tokenizes the same way with the new
     * vocabulary.
     */
    public static Result write(Path modelDir, Iterable<String> texts, boolean lowerCase, Path outDir, boolean float16)
            throws IOException {
        Vocab vocab = Vocab.load(modelDir.resolve(PretrainedBert.VOCAB));
        WordPieceTokenizer full = new WordPieceTokenizer(vocab, lowerCase);
        TreeSet<Integer> keep = new TreeSet<>();
        for (String s : SPECIAL) {
            if (vocab.contains(s)) {
                keep.add(vocab.id(s));
            }
        }
        List<String> corpus = new ArrayList<>();
        for (String t : texts) {
            corpus.add(t);
            for (String token : full.tokenize(t)) {
                keep.add(vocab.id(token));
            }
        }
        BertConfig config = PretrainedBert.readConfig(modelDir);
        if (!keep.contains(config.padTokenId())) {
            throw new IOException(modelDir + ": config.json's pad_token_id " + config.padTokenId() + " is not one of "
                    + "vocab.txt's special tokens " + java.util.Arrays.toString(SPECIAL));
        }
        int[] ids = keep.stream().mapToInt(Integer::intValue).toArray();
        List<String> tokens = new ArrayList<>(ids.length);
        for (int id : ids) {
            tokens.add(vocab.token(id));
        }
        WordPieceTokenizer subset = new WordPieceTokenizer(new Vocab(tokens), lowerCase);
        for (String t : corpus) {
            if (!full.tokenize(t).equals(subset.tokenize(t))) {
                throw new IllegalStateException("the reduced vocabulary tokenizes \"" + t + "\" differently: "
                        + full.tokenize(t) + " vs " + subset.tokenize(t));
            }
        }

        Path weights = modelDir.resolve(PretrainedBert.WEIGHTS);
        Map<String, Tensor> state = new LinkedHashMap<>(SafeTensors.read(weights));
        String key = state.containsKey("embeddings.word_embeddings.weight") ? "embeddings.word_embeddings.weight"
                : "bert.embeddings.word_embeddings.weight";
        Tensor table = state.get(key);
        if (table == null || table.rank() != 2 || table.size(0) != vocab.size()) {
            throw new IOException(weights + ": expected word embeddings [" + vocab.size() + ", hidden] under '"
                    + "embeddings.word_embeddings.weight', got " + (table == null ? "none" : table));
        }
        state.put(key, rows(table, ids));
        long parameters = state.values().stream().mapToLong(Tensor::numel).sum();

        Files.createDirectories(outDir);
        SafeTensors.write(outDir.resolve(PretrainedBert.WEIGHTS), state,
                Map.of("source", modelDir.toAbsolutePath().toString(), "vocabulary", "subset of " + vocab.size()
                        + " entries used by " + corpus.size() + " texts"), float16);
        AtomicFile.writeString(outDir.resolve(PretrainedBert.VOCAB), String.join("\n", tokens) + "\n");
        PretrainedBert.writeConfig(withVocab(config, ids.length, java.util.Arrays.binarySearch(ids,
                config.padTokenId())), outDir);
        return new Result(ids.length, vocab.size(), parameters, Files.size(outDir.resolve(PretrainedBert.WEIGHTS)));
    }

    private static Tensor rows(Tensor table, int[] ids) {
        int cols = table.size(1);
        if (table.dtype() == DType.F64) {
            double[] all = table.toDoubleArray();
            double[] kept = new double[ids.length * cols];
            for (int r = 0; r < ids.length; r++) {
                System.arraycopy(all, ids[r] * cols, kept, r * cols, cols);
            }
            return Tensor.of(kept, DType.F64, ids.length, cols);
        }
        float[] all = table.toFloatArray();
        float[] kept = new float[ids.length * cols];
        for (int r = 0; r < ids.length; r++) {
            System.arraycopy(all, ids[r] * cols, kept, r * cols, cols);
        }
        return Tensor.of(kept, table.backend(), ids.length, cols);
    }

    /** The config with the reduced vocabulary size and the padding token's new id. */
    private static BertConfig withVocab(BertConfig c, int size, int padId) {
        return new BertConfig(size, c.hiddenSize(), c.numHiddenLayers(), c.numAttentionHeads(), c.intermediateSize(),
                c.maxPositionEmbeddings(), c.typeVocabSize(), c.hiddenDropoutProb(), c.attentionProbsDropoutProb(),
                c.layerNormEps(), c.initializerRange(), c.geluTanh(), padId);
    }
}
