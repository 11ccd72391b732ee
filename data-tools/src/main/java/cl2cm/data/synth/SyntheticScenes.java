package cl2cm.data.synth;

import cl2cm.data.Caption;
import cl2cm.data.Dataset;
import cl2cm.data.ImageSet;
import cl2cm.data.Split;
import cl2cm.engine.tensor.Rng;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in dataset: synthetic scenes of one object (shape, colour, size, position) or two objects in a spatial
 * relation, with English captions, human-quality captions in the target languages, and pseudo-translations of the
 * English captions through a machine-translation noise model. Reproduces CL2CM's setting: train on English +
 * noisy MT captions (tags {@code en}, {@code en2xx}), test with human target-language captions (tag {@code xx}).
 *
 * <p>A pair scene gets two captions (k = 0, 1), one from each object's point of view ("A left of B", "B right of
 * A"); a single object gets one. The training split carries no human target captions. Which colour goes with which
 * shape, and which object is left, matter: swapping them keeps the bag of words but changes the image.
 */
public final class SyntheticScenes {
    /** Sizes, languages, noise and seed. */
    public record Config(int train, int val, int test, int imageSize, List<String> targets, double noiseRate,
                         double pairFraction, long seed) {
        public Config {
            if (train < 1 || val < 1 || test < 1) {
                throw new IllegalArgumentException("every split needs at least one image");
            }
            if (pairFraction < 0 || pairFraction > 1) {
                throw new IllegalArgumentException("pair fraction must be in [0, 1]");
            }
            targets.forEach(Grammar::of); // fails early for an unknown language
        }

        public static Config defaults() {
            return new Config(10_000, 1_000, 1_000, 32, List.of("de", "fr", "cs", "es"), 0.4, 0.75, 1);
        }

        public Config withNoise(double rate) {
            return new Config(train, val, test, imageSize, targets, rate, pairFraction, seed);
        }

        public Config withSeed(long s) {
            return new Config(train, val, test, imageSize, targets, noiseRate, pairFraction, s);
        }

        public Config withSizes(int tr, int va, int te) {
            return new Config(tr, va, te, imageSize, targets, noiseRate, pairFraction, seed);
        }
    }

    private SyntheticScenes() {
    }

    public static Dataset generate(Config cfg) {
        Map<String, Split> splits = new LinkedHashMap<>();
        String[] names = {"train", "val", "test"};
        int[] sizes = {cfg.train(), cfg.val(), cfg.test()};
        for (int s = 0; s < 3; s++) {
            splits.put(names[s], split(names[s], sizes[s], cfg, new Rng(cfg.seed() * 1_000_003L + s)));
        }
        return new Dataset("synthscenes", splits);
    }

    private static Split split(String name, int n, Config cfg, Rng rng) {
        SceneRenderer renderer = new SceneRenderer(cfg.imageSize());
        NoiseModel noise = new NoiseModel(cfg.noiseRate());
        Grammar en = Grammar.of("en");
        List<Grammar> targets = cfg.targets().stream().map(Grammar::of).toList();
        boolean train = name.equals("train");
        List<String> ids = new ArrayList<>(n);
        byte[][] pixels = new byte[n][];
        List<Caption> caps = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = String.format("%s%06d", name, i);
            Scene scene = sample(rng, cfg.pairFraction());
            ids.add(id);
            pixels[i] = cl2cm.data.ImageSet.toChw(renderer.render(scene, rng), cfg.imageSize(), cfg.imageSize(),
                    java.awt.Color.GRAY);
            List<Scene> views = scene.isPair() ? List.of(scene, scene.swapped()) : List.of(scene);
            for (int k = 0; k < views.size(); k++) {
                Scene v = views.get(k);
                caps.add(new Caption(id, "en", k, en.caption(v)));
                for (Grammar t : targets) {
                    caps.add(new Caption(id, "en2" + t.language(), k, t.caption(v, noise.draw(v, rng))));
                    if (!train) {
                        caps.add(new Caption(id, t.language(), k, t.caption(v)));
                    }
                }
            }
        }
        return new Split(name, ids, new ImageSet(cfg.imageSize(), cfg.imageSize(), pixels), null, caps);
    }

    /** A random scene whose caption is unambiguous (two objects never look alike). */
    static Scene sample(Rng rng, double pairFraction) {
        if (rng.nextDouble() >= pairFraction) {
            Scene.Position p = Scene.Position.values()[rng.nextInt(5)];
            double j1 = (rng.nextDouble() - 0.5) * 0.3;
            double j2 = (rng.nextDouble() - 0.5) * 0.1;
            double[] xy = switch (p) {
                case LEFT -> new double[]{0.25 + j2, 0.5 + j1};
                case RIGHT -> new double[]{0.75 + j2, 0.5 + j1};
                case TOP -> new double[]{0.5 + j1, 0.25 + j2};
                case BOTTOM -> new double[]{0.5 + j1, 0.75 + j2};
                case MIDDLE -> new double[]{0.5 + j2, 0.5 + j2 * 0.7};
            };
            return Scene.single(obj(rng, xy[0], xy[1]), p);
        }
        Scene.Obj a = obj(rng, 0, 0);
        Scene.Obj b;
        do {
            b = obj(rng, 0, 0);
        } while (a.sameLook(b));
        Scene.Relation r = Scene.Relation.values()[rng.nextInt(4)];
        double near = 0.22 + rng.nextDouble() * 0.1;
        double far = 0.68 + rng.nextDouble() * 0.1;
        double o1 = 0.3 + rng.nextDouble() * 0.4;
        double o2 = 0.3 + rng.nextDouble() * 0.4;
        double[] pa;
        double[] pb;
        switch (r) {
            case LEFT_OF -> { pa = new double[]{near, o1}; pb = new double[]{far, o2}; }
            case RIGHT_OF -> { pa = new double[]{far, o1}; pb = new double[]{near, o2}; }
            case ABOVE -> { pa = new double[]{o1, near}; pb = new double[]{o2, far}; }
            default -> { pa = new double[]{o1, far}; pb = new double[]{o2, near}; }
        }
        return Scene.pair(at(a, pa), at(b, pb), r);
    }

    private static Scene.Obj obj(Rng rng, double x, double y) {
        return new Scene.Obj(Scene.Shape.values()[rng.nextInt(6)], Scene.Colour.values()[rng.nextInt(8)],
                Scene.Size.values()[rng.nextInt(2)], x, y);
    }

    private static Scene.Obj at(Scene.Obj o, double[] xy) {
        return new Scene.Obj(o.shape(), o.colour(), o.size(), xy[0], xy[1]);
    }
}
