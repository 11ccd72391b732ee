package cl2cm.engine.ops;

import cl2cm.engine.tensor.Shape;
import cl2cm.engine.tensor.Tensor;

/** Checks shared by the ops, each failing with a message that names the op and the shapes involved. */
final class Ops {
    private Ops() {
    }

    static void sameDevice(String op, Tensor... ts) {
        Tensor first = null;
        for (Tensor t : ts) {
            if (t == null) {
                continue;
            }
            if (first != null && (t.backend() != first.backend() || t.dtype() != first.dtype())) {
                throw new IllegalArgumentException(op + ": operands on " + first.backend().name() + "/" + first.dtype()
                        + " and " + t.backend().name() + "/" + t.dtype() + "; convert with to(...)");
            }
            first = first == null ? t : first;
        }
    }

    static void rank(String op, String what, Tensor t, int rank) {
        if (t.rank() != rank) {
            throw new IllegalArgumentException(op + ": " + what + " must have rank " + rank + ", got shape "
                    + Shape.str(t.shape()));
        }
    }

    /** Same device, dtype and shape (no broadcasting). */
    static void sameShape(String op, Tensor a, Tensor b) {
        sameDevice(op, a, b);
        if (!java.util.Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException(op + ": operands must have the same shape, got " + Shape.str(a.shape())
                    + " and " + Shape.str(b.shape()));
        }
    }
}
