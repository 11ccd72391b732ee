package cl2cm.train;

import cl2cm.config.Cl2cmConfig;
import cl2cm.data.VisualBatch;
import cl2cm.engine.autograd.GradMode;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;
import cl2cm.loss.ContrastiveLoss;
import cl2cm.loss.RelationalDistillation;
import cl2cm.loss.SinkhornOt;
import cl2cm.model.TextEncoder;
import cl2cm.model.TokenBatch;
import cl2cm.model.VisionEncoder;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The two training objectives of CL2CM, as named loss terms (their sum is what is minimised). Training, the
 * {@code bench} command and the device-parity tests all compute their steps here.
 *
 * <p>{@code pairs} holds 2B captions: rows 0..B-1 are source captions and rows B..2B-1 their translations, so one
 * encoder pass serves both languages.
 */
public final class Objectives {
    private Objectives() {
    }

    /** Stage 1 (CLN): sentence-level InfoNCE between sources and translations, plus lambda_ot x word-level OT. */
    public static Map<String, Tensor> crossLingual(TextEncoder cln, TokenBatch pairs, Cl2cmConfig.Loss l) {
        int b = half(pairs);
        TextEncoder.Encoded e = cln.forward(pairs);
        Tensor s = e.embedding().narrow(0, 0, b);
        Tensor t = e.embedding().narrow(0, b, b);
        Map<String, Tensor> terms = new LinkedHashMap<>();
        terms.put("sentence", ContrastiveLoss.infoNce(s, t, l.clnTau()));
        if (l.lambdaOt() > 0) {
            Tensor words = e.batch().wordMaskTensor(s.dtype(), s.backend());
            Tensor ot = SinkhornOt.loss(e.tokens().narrow(0, 0, b), e.tokens().narrow(0, b, b),
                    words.narrow(0, 0, b), words.narrow(0, b, b), l.otEpsilon(), l.otIterations());
            terms.put("ot", ot.mul(l.lambdaOt()));
        }
        return terms;
    }

    /**
     * Stage 2 (CMN): cross-modal loss on (vision, source) and (vision, translation), plus lambda_kd x relational
     * distillation from the frozen teacher's source-target similarities when a teacher is given and lambda_kd > 0.
     */
    public static Map<String, Tensor> crossModal(VisionEncoder vision, TextEncoder text, TextEncoder teacher,
                                                 VisualBatch visual, TokenBatch pairs, double lambdaKd,
                                                 Cl2cmConfig.Loss l) {
        int b = half(pairs);
        Tensor teacherSim = null;
        if (teacher != null && lambdaKd > 0) {
            // The frozen teacher runs first and keeps only its similarities, so its activations come and go before
            // the student's are allocated (run after them, its pass would sit on top of them at the step's peak).
            try (var g = GradMode.disabled(); TensorScope scope = TensorScope.open("teacher")) {
                Tensor te = teacher.forward(pairs).embedding();
                teacherSim = scope.keep(te.narrow(0, 0, b).matmul(te.narrow(0, b, b).mT()));
            }
        }
        Tensor v = vision.forward(visual);
        Tensor emb = text.forward(pairs).embedding();
        Tensor s = emb.narrow(0, 0, b);
        Tensor t = emb.narrow(0, b, b);
        Map<String, Tensor> terms = new LinkedHashMap<>();
        terms.put("vision-source", crossModalLoss(v, s, l));
        terms.put("vision-target", crossModalLoss(v, t, l));
        if (teacherSim != null) {
            Tensor studentSim = v.matmul(t.mT());
            terms.put("kd", RelationalDistillation.loss(teacherSim, studentSim, l.tauTeacher(), l.tauStudent())
                    .mul(lambdaKd));
        }
        return terms;
    }

    private static Tensor crossModalLoss(Tensor a, Tensor b, Cl2cmConfig.Loss l) {
        return l.crossModal().equals("triplet") ? ContrastiveLoss.vseTriplet(a, b, l.margin())
                : ContrastiveLoss.infoNce(a, b, l.tau());
    }

    /** The sum of the terms. */
    public static Tensor total(Map<String, Tensor> terms) {
        Tensor sum = null;
        for (Tensor t : terms.values()) {
            sum = sum == null ? t : sum.add(t);
        }
        return sum;
    }

    private static int half(TokenBatch pairs) {
        if (pairs.size() % 2 != 0) {
            throw new IllegalArgumentException("expected source and target captions in two halves, got "
                    + pairs.size() + " rows");
        }
        return pairs.size() / 2;
    }
}
