package cl2cm.data.synth;

import cl2cm.data.synth.Noise.Kind;
import cl2cm.engine.tensor.Rng;

import java.util.EnumSet;
import java.util.Map;

/**
 * Draws machine-translation errors for a caption: each error kind occurs independently with probability
 * {@code rate * weight(kind)} (capped at 1), hitting one object slot and word. At rate 0 captions are perfect
 * translations; at the default 0.4 about 60% of captions carry at least one error.
 */
public final class NoiseModel {
    /** Relative frequencies, loosely following the error mix of phrase-based MT on short captions. */
    private static final Map<Kind, Double> WEIGHTS = Map.of(
            Kind.WRONG_AGREEMENT, 0.6,
            Kind.ENGLISH_ORDER, 0.4,
            Kind.DROP_COLOUR, 0.3,
            Kind.DROP_SIZE, 0.3,
            Kind.UNTRANSLATED, 0.3,
            Kind.WRONG_SENSE, 0.3,
            Kind.SYNONYM, 0.3);

    private final double rate;

    public NoiseModel(double rate) {
        if (rate < 0 || rate > 5) {
            throw new IllegalArgumentException("MT noise rate must be in [0, 5], got " + rate);
        }
        this.rate = rate;
    }

    public double rate() {
        return rate;
    }

    public Noise draw(Scene scene, Rng rng) {
        EnumSet<Kind> kinds = EnumSet.noneOf(Kind.class);
        for (Kind k : Kind.values()) {
            if (rng.nextDouble() < Math.min(1.0, rate * WEIGHTS.get(k))) {
                kinds.add(k);
            }
        }
        int slot = scene.isPair() ? rng.nextInt(2) : 0;
        Noise.Word word = Noise.Word.values()[rng.nextInt(3)];
        return new Noise(kinds, slot, word);
    }
}
