package cl2cm.engine.ops;

import cl2cm.engine.autograd.Graph;
import cl2cm.engine.backend.BinaryOp;
import cl2cm.engine.backend.UnaryOp;
import cl2cm.engine.tensor.Shape;
import cl2cm.engine.tensor.Tensor;

/** Elementwise ops and their gradient rules. */
public final class Pointwise {
    private Pointwise() {
    }

    /** A unary op; STEP and INSIDE (0/1 masks) carry no gradient. */
    public static Tensor unary(UnaryOp op, Tensor x) {
        return unary(op, x, 0, 0);
    }

    static Tensor unary(UnaryOp op, Tensor x, double p, double q) {
        Tensor xc = x.contiguous();
        Tensor y = Tensor.empty(x.dtype(), x.backend(), x.shape());
        x.backend().unary(op, p, q, xc.storage(), y.storage(), y.numel());
        return switch (op) {
            case STEP, INSIDE, GELU_TANH_GRAD, GELU_ERF_GRAD -> y;
            default -> Graph.record(op.name().toLowerCase(), y, new Tensor[]{xc}, unarySaves(op, xc, y),
                    g -> new Tensor[]{
                    switch (op) {
                        case NEG -> g.neg();
                        case EXP -> g.mul(y);
                        case LOG -> g.div(xc);
                        case SQRT -> g.div(y.mul(2.0));
                        case ABS -> g.mul(unary(UnaryOp.STEP, xc).sub(unary(UnaryOp.STEP, xc.neg())));
                        case TANH -> g.mul(y.mul(y).neg().add(1.0));
                        case SIGMOID -> g.mul(y.mul(y.neg().add(1.0)));
                        case RELU -> binary(BinaryOp.RELU_BACKWARD, xc, g);
                        case AFFINE -> g.mul(p);
                        case POW -> g.mul(unary(UnaryOp.POW, xc, p - 1, 0).mul(p));
                        case CLAMP -> g.mul(unary(UnaryOp.INSIDE, xc, p, q));
                        case GELU_TANH -> binary(BinaryOp.GELU_TANH_BACKWARD, xc, g);
                        case GELU_ERF -> binary(BinaryOp.GELU_ERF_BACKWARD, xc, g);
                        default -> throw new IllegalStateException("no gradient for " + op);
                    }});
        };
    }

    /** What the gradient of a unary op reads: its input, its output, or nothing. */
    private static Tensor[] unarySaves(UnaryOp op, Tensor x, Tensor y) {
        return switch (op) {
            case NEG, AFFINE -> Graph.NOTHING_SAVED;
            case EXP, SQRT, TANH, SIGMOID -> Graph.saves(y);
            default -> Graph.saves(x);
        };
    }

    /** x * scale + shift. */
    public static Tensor affine(Tensor x, double scale, double shift) {
        return unary(UnaryOp.AFFINE, x, scale, shift);
    }

    public static Tensor pow(Tensor x, double exponent) {
        return unary(UnaryOp.POW, x, exponent, 0);
    }

    public static Tensor clamp(Tensor x, double min, double max) {
        if (min > max) {
            throw new IllegalArgumentException("clamp: min " + min + " > max " + max);
        }
        return unary(UnaryOp.CLAMP, x, min, max);
    }

    /** A 0/1 mask: 1 where x > 0. */
    public static Tensor step(Tensor x) {
        return unary(UnaryOp.STEP, x);
    }

    /**
     * Broadcasting binary op. EQ and GT produce 0/1 masks, and the *_BACKWARD ops (gradient rules fused into one pass)
     * gradients; none of these has a gradient of its own.
     */
    public static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        String name = op.name().toLowerCase();
        Ops.sameDevice(name, a, b);
        int[] shape = Shape.broadcast(a.shape(), b.shape(), name);
        Tensor out = Tensor.empty(a.dtype(), a.backend(), shape);
        a.backend().binary(op, Views.broadcastView(a, shape), Views.broadcastView(b, shape), out.storage());
        if (!op.differentiable()) {
            return out;
        }
        return Graph.record(name, out, new Tensor[]{a, b}, binarySaves(op, a, b, out), g -> {
            Tensor ga = null;
            Tensor gb = null;
            switch (op) {
                case ADD -> {
                    ga = g;
                    gb = g;
                }
                case SUB -> {
                    ga = g;
                    gb = b.requiresGrad() ? g.neg() : null;
                }
                case MUL -> {
                    ga = a.requiresGrad() ? g.mul(b) : null;
                    gb = b.requiresGrad() ? g.mul(a) : null;
                }
                case DIV -> {
                    ga = a.requiresGrad() ? g.div(b) : null;
                    gb = b.requiresGrad() ? g.mul(out).div(b).neg() : null;
                }
                case MAXIMUM, MINIMUM -> {
                    // Ties split the gradient evenly, as in PyTorch.
                    Tensor aWins = op == BinaryOp.MAXIMUM ? binary(BinaryOp.GT, a, b) : binary(BinaryOp.GT, b, a);
                    Tensor tie = binary(BinaryOp.EQ, a, b).mul(0.5);
                    Tensor wa = aWins.add(tie);
                    ga = a.requiresGrad() ? g.mul(wa) : null;
                    gb = b.requiresGrad() ? g.mul(wa.neg().add(1.0)) : null;
                }
                default -> throw new IllegalStateException("no gradient for " + op);
            }
            return new Tensor[]{
                    ga == null || !a.requiresGrad() ? null : Reductions.sumTo(ga, a.shape()),
                    gb == null || !b.requiresGrad() ? null : Reductions.sumTo(gb, b.shape())};
        });
    }

    /** What the gradient of a binary op reads. */
    private static Tensor[] binarySaves(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        return switch (op) {
            case ADD, SUB -> Graph.NOTHING_SAVED;
            case MUL -> Graph.saves(a.requiresGrad() ? b : null, b.requiresGrad() ? a : null);
            case DIV -> b.requiresGrad() ? Graph.saves(b, out) : Graph.saves(b);
            default -> Graph.saves(a, b);
        };
    }

    /** 0/1 mask of a == b. */
    public static Tensor eq(Tensor a, Tensor b) {
        return binary(BinaryOp.EQ, a, b);
    }

    /** 0/1 mask of a > b. */
    public static Tensor gt(Tensor a, Tensor b) {
        return binary(BinaryOp.GT, a, b);
    }

    /** cond != 0 ? a : b, broadcasting all three. The condition carries no gradient. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        Ops.sameDevice("where", a, b);
        int[] shape = Shape.broadcast(Shape.broadcast(cond.shape(), a.shape(), "where"), b.shape(), "where");
        Tensor c = cond.dtype() == a.dtype() ? cond : cond.detach().to(a.dtype());
        Tensor out = Tensor.empty(a.dtype(), a.backend(), shape);
        a.backend().where(Views.broadcastView(c, shape), Views.broadcastView(a, shape), Views.broadcastView(b, shape),
                out.storage());
        return Graph.record("where", out, new Tensor[]{a, b}, Graph.saves(c), g -> {
            Tensor zero = Tensor.zeros(g.dtype(), g.backend());
            return new Tensor[]{
                    a.requiresGrad() ? Reductions.sumTo(where(c, g, zero), a.shape()) : null,
                    b.requiresGrad() ? Reductions.sumTo(where(c, zero, g), b.shape()) : null};
        });
    }

    /** x with value wherever mask != 0 (mask broadcasts to x). */
    public static Tensor maskedFill(Tensor x, Tensor mask, double value) {
        return where(mask, Tensor.full(value, x.dtype(), x.backend()), x);
    }
}
