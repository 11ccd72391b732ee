package cl2cm.engine.backend;

/** Pointwise functions of two (broadcast) arguments; {@link #apply} is the scalar definition. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM,
    /** 1 where a == b, else 0. */
    EQ,
    /** 1 where a > b, else 0. */
    GT;

    public double apply(double a, double b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAXIMUM -> Math.max(a, b);
            case MINIMUM -> Math.min(a, b);
            case EQ -> a == b ? 1.0 : 0.0;
            case GT -> a > b ? 1.0 : 0.0;
        };
    }
}
