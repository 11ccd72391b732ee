package cl2cm.loss;

import cl2cm.engine.ops.Losses;
import cl2cm.engine.tensor.Tensor;

/**
 * CL2CM's knowledge transfer: within a batch the frozen cross-lingual network's source-target similarities,
 * softmax(sim_CLN(s_i, t_j) / tau_t), supervise the cross-modal network's vision-target similarities,
 * softmax(sim_CMN(v_i, t_j) / tau_s), through KL divergence over rows (each image against all targets) and over
 * columns (each target against all images), averaged.
 */
public final class RelationalDistillation {
    private RelationalDistillation() {
    }

    /**
     * @param teacherSim [B, B] sim_CLN(source_i, target_j); treated as a constant (detach it or compute it without grad)
     * @param studentSim [B, B] sim_CMN(vision_i, target_j)
     */
    public static Tensor loss(Tensor teacherSim, Tensor studentSim, double tauTeacher, double tauStudent) {
        if (teacherSim.rank() != 2 || !java.util.Arrays.equals(teacherSim.shape(), studentSim.shape())) {
            throw new IllegalArgumentException("distillation needs two [B, B] similarity matrices, got "
                    + cl2cm.engine.tensor.Shape.str(teacherSim.shape()) + " and "
                    + cl2cm.engine.tensor.Shape.str(studentSim.shape()));
        }
        Tensor t = teacherSim.detach().div(tauTeacher);
        Tensor s = studentSim.div(tauStudent);
        Tensor rows = Losses.klDiv(s.logSoftmax(1), t.softmax(1));
        Tensor cols = Losses.klDiv(s.mT().logSoftmax(1), t.mT().softmax(1));
        return rows.add(cols).mul(0.5);
    }
}
