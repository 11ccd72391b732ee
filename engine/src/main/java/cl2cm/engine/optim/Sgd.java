package cl2cm.engine.optim;

import cl2cm.engine.nn.Parameter;
import cl2cm.engine.tensor.Tensor;

import java.util.Map;

/**
 * SGD with momentum and L2 weight decay, as torch.optim.SGD (dampening 0):
 * g' = g + wd p; buf = momentum buf + g'; p -= lr (nesterov ? g' + momentum buf : buf).
 */
public final class Sgd extends Optimizer {
    private final double momentum;
    private final double weightDecay;
    private final boolean nesterov;

    public Sgd(Map<String, Parameter> params, double lr, double momentum, double weightDecay, boolean nesterov) {
        super(params, lr);
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
    }

    @Override
    protected void update(String name, Parameter p, Tensor grad) {
        var be = p.backend();
        long n = p.numel();
        double lr = this.lr * lrScale(name);
        Tensor g = grad;
        if (weightDecay != 0) {
            g = grad.contiguousCopy();
            be.axpby(g.storage(), 1.0, p.storage(), weightDecay, n);
        }
        if (momentum == 0) {
            be.axpby(p.storage(), 1.0, g.storage(), -lr, n);
            return;
        }
        boolean first = !state.containsKey("momentum_buffer." + name);
        Tensor buf = slot("momentum_buffer", name, p);
        // PyTorch initialises the buffer with the first gradient: buf = 0 * momentum + g gives the same.
        be.axpby(buf.storage(), first ? 0.0 : momentum, g.storage(), 1.0, n);
        if (nesterov) {
            be.axpby(p.storage(), 1.0, g.storage(), -lr, n);
            be.axpby(p.storage(), 1.0, buf.storage(), -lr * momentum, n);
        } else {
            be.axpby(p.storage(), 1.0, buf.storage(), -lr, n);
        }
    }
}
