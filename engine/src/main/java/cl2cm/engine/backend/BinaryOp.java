package cl2cm.engine.backend;

/** Pointwise functions of two (broadcast) arguments; {@link #apply} is the scalar definition. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM,
    /** 1 where a == b, else 0. */
    EQ,
    /** 1 where a > b, else 0. */
    GT,
    /**
     * Gradient rules in one pass, a = the op's input x and b = the output gradient g (they have no gradient of
     * their own): g where x > 0, else 0 (ReLU).
     */
    RELU_BACKWARD,
    /** g * GELU'(x), tanh approximation. */
    GELU_TANH_BACKWARD,
    /** g * GELU'(x), exact form. */
    GELU_ERF_BACKWARD;

    /** False for the 0/1 masks and the fused gradient rules: their results take no part in autograd. */
    public boolean differentiable() {
        return switch (this) {
            case EQ, GT, RELU_BACKWARD, GELU_TANH_BACKWARD, GELU_ERF_BACKWARD -> false;
            default -> true;
        };
    }

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
            case RELU_BACKWARD -> a > 0 ? b : 0.0;
            case GELU_TANH_BACKWARD -> b * UnaryOp.GELU_TANH_GRAD.apply(a, 0, 0);
            case GELU_ERF_BACKWARD -> b * UnaryOp.GELU_ERF_GRAD.apply(a, 0, 0);
        };
    }
}
