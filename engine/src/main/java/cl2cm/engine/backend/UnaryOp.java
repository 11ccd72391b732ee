package cl2cm.engine.backend;

/**
 * Pointwise functions of one argument (with up to two scalar parameters p and q). {@link #apply} is the scalar
 * definition every backend must agree with; backends may compute it faster.
 */
public enum UnaryOp {
    NEG, EXP, LOG, SQRT, ABS, TANH, SIGMOID, RELU,
    /** Heaviside step: 1 where x > 0 (ReLU's derivative). */
    STEP,
    /** x * p + q. */
    AFFINE,
    /** x raised to the power p. */
    POW,
    /** min(max(x, p), q). */
    CLAMP,
    /** 1 where p <= x <= q, else 0 (clamp's derivative). */
    INSIDE,
    /** GELU, tanh approximation (PyTorch approximate='tanh'). */
    GELU_TANH, GELU_TANH_GRAD,
    /** GELU, exact form x * Phi(x) (PyTorch's default). */
    GELU_ERF, GELU_ERF_GRAD;

    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
    private static final double INV_SQRT_2 = 1.0 / Math.sqrt(2.0);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

    public double apply(double x, double p, double q) {
        return switch (this) {
            case NEG -> -x;
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SQRT -> Math.sqrt(x);
            case ABS -> Math.abs(x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> 1.0 / (1.0 + Math.exp(-x));
            case RELU -> x > 0 ? x : 0.0;
            case STEP -> x > 0 ? 1.0 : 0.0;
            case AFFINE -> x * p + q;
            case POW -> Math.pow(x, p);
            case CLAMP -> Math.min(Math.max(x, p), q);
            case INSIDE -> x >= p && x <= q ? 1.0 : 0.0;
            case GELU_TANH -> 0.5 * x * (1.0 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
            case GELU_TANH_GRAD -> {
                double u = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
                double t = Math.tanh(u);
                double du = SQRT_2_OVER_PI * (1.0 + 3 * 0.044715 * x * x);
                yield 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * du;
            }
            case GELU_ERF -> 0.5 * x * (1.0 + Erf.erf(x * INV_SQRT_2));
            case GELU_ERF_GRAD -> 0.5 * (1.0 + Erf.erf(x * INV_SQRT_2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
        };
    }
}
