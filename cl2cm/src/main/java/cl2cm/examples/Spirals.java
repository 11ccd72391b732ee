package cl2cm.examples;

import cl2cm.engine.autograd.GradMode;
import cl2cm.engine.io.Checkpoint;
import cl2cm.engine.nn.Linear;
import cl2cm.engine.nn.Module;
import cl2cm.engine.ops.Losses;
import cl2cm.engine.optim.Adam;
import cl2cm.engine.optim.GradClip;
import cl2cm.engine.optim.LrSchedule;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The smallest end-to-end training job: an MLP learns to separate two interleaved spirals. It exercises the whole
 * engine path a real model uses: seeded data and init, minibatches, forward, cross-entropy, backward, gradient
 * clipping, AdamW with warm-up and cosine decay, per-step tensor scopes, and checkpoints that resume exactly.
 */
public final class Spirals {
    private Spirals() {
    }

    /** Hyper-parameters. */
    public record Config(int pointsPerClass, int hidden, int steps, int batch, double lr, double noise, long seed) {
        public static Config defaults() {
            return new Config(500, 64, 1500, 64, 0.01, 0.03, 7);
        }
    }

    /** Points [n, 2] and labels 0/1. */
    public record Data(Tensor x, int[] y) {
        public int size() {
            return y.length;
        }
    }

    /** Two spirals of 1.5 turns each, the second rotated by pi, with Gaussian noise. */
    public static Data make(int perClass, double noise, Rng rng) {
        double[] xs = new double[perClass * 4];
        int[] ys = new int[perClass * 2];
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < perClass; i++) {
                double t = 0.05 + 0.95 * rng.nextDouble();
                double angle = 3 * Math.PI * t + c * Math.PI;
                int k = c * perClass + i;
                xs[2 * k] = t * Math.cos(angle) + noise * rng.nextGaussian();
                xs[2 * k + 1] = t * Math.sin(angle) + noise * rng.nextGaussian();
                ys[k] = c;
            }
        }
        return new Data(Tensor.of(xs, DType.F32, perClass * 2, 2), ys);
    }

    /** 2 -> hidden -> hidden -> 2 with GELU. */
    public static final class Mlp extends Module {
        private final Linear l1;
        private final Linear l2;
        private final Linear out;

        public Mlp(int hidden, Rng rng) {
            l1 = registerModule("l1", new Linear(2, hidden, true, rng));
            l2 = registerModule("l2", new Linear(hidden, hidden, true, rng));
            out = registerModule("out", new Linear(hidden, 2, true, rng));
        }

        public Tensor forward(Tensor x) {
            return run(() -> out.forward(l2.forward(l1.forward(x).gelu()).gelu()));
        }
    }

    /** Model, optimizer, schedule and data order: everything a checkpoint must restore. */
    public static final class Trainer {
        private final Config cfg;
        private final Data train;
        private final Mlp model;
        private final Adam opt;
        private final LrSchedule schedule;
        private final Rng order;

        public Trainer(Config cfg) {
            this.cfg = cfg;
            Rng rng = new Rng(cfg.seed());
            this.train = make(cfg.pointsPerClass(), cfg.noise(), rng);
            this.model = new Mlp(cfg.hidden(), rng);
            this.opt = Adam.adamW(model.namedParameters(), cfg.lr(), 0.9, 0.999, 1e-8, 1e-4);
            this.schedule = new LrSchedule(cfg.lr(), cfg.steps() / 20, cfg.steps(), LrSchedule.Decay.COSINE,
                    cfg.lr() / 100);
            this.order = new Rng(cfg.seed() + 1);
        }

        public Mlp model() {
            return model;
        }

        public long step() {
            return opt.stepCount();
        }

        /** One optimisation step on a random minibatch; returns its loss. */
        public double trainStep() {
            try (TensorScope scope = TensorScope.open("spirals step")) {
                int[] idx = new int[cfg.batch()];
                for (int i = 0; i < idx.length; i++) {
                    idx[i] = order.nextInt(train.size());
                }
                int[] labels = new int[idx.length];
                for (int i = 0; i < idx.length; i++) {
                    labels[i] = train.y()[idx[i]];
                }
                Tensor x = cl2cm.engine.ops.Views.indexSelect(train.x(), 0, idx);
                Tensor loss = Losses.crossEntropy(model.forward(x), labels);
                double value = loss.item();
                if (!Double.isFinite(value)) {
                    throw new ArithmeticException("loss is " + value + " at step " + (step() + 1));
                }
                model.zeroGrad();
                loss.backward();
                GradClip.clipGlobalNorm(model.trainableParameters(), 1.0);
                schedule.apply(opt);
                opt.step();
                return value;
            }
        }

        /** Fraction of points classified correctly. */
        public double accuracy(Data data) {
            try (TensorScope scope = TensorScope.open("spirals eval"); var g = GradMode.disabled()) {
                double[] logits = model.forward(data.x()).toDoubleArray();
                int correct = 0;
                for (int i = 0; i < data.size(); i++) {
                    int pred = logits[2 * i + 1] > logits[2 * i] ? 1 : 0;
                    correct += pred == data.y()[i] ? 1 : 0;
                }
                return (double) correct / data.size();
            }
        }

        public void save(Path file) throws IOException {
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("example", "spirals");
            meta.put("data_order_rng", Long.toString(order.state()));
            Checkpoint.save(file, model, opt, meta);
        }

        public void load(Path file) throws IOException {
            Map<String, String> meta = Checkpoint.load(file, model, opt);
            String rng = meta.get("data_order_rng");
            if (rng == null) {
                throw new IOException(file + ": not a spirals checkpoint (no data_order_rng metadata)");
            }
            order.setState(Long.parseLong(rng));
        }
    }

    /** A held-out set drawn from the same distribution. */
    public static Data testSet(Config cfg) {
        return make(cfg.pointsPerClass(), cfg.noise(), new Rng(cfg.seed() + 1000));
    }
}
