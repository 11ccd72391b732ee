package cl2cm.data.synth;

import cl2cm.data.Caption;
import cl2cm.data.Dataset;
import cl2cm.data.Split;
import cl2cm.data.synth.Noise.Kind;
import cl2cm.engine.tensor.Rng;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticScenesTest {
    private static final Scene.Obj SMALL_RED_STAR = new Scene.Obj(Scene.Shape.STAR, Scene.Colour.RED, Scene.Size.SMALL, 0.2, 0.5);
    private static final Scene.Obj LARGE_BLUE_SQUARE = new Scene.Obj(Scene.Shape.SQUARE, Scene.Colour.BLUE, Scene.Size.LARGE, 0.8, 0.5);
    private static final Scene.Obj LARGE_WHITE_DIAMOND = new Scene.Obj(Scene.Shape.DIAMOND, Scene.Colour.WHITE, Scene.Size.LARGE, 0.8, 0.5);

    @Test
    void humanCaptionsAgreeInGenderAndCase() {
        Scene s = Scene.pair(SMALL_RED_STAR, LARGE_BLUE_SQUARE, Scene.Relation.LEFT_OF);
        assertEquals("a small red star to the left of a large blue square", Grammar.of("en").caption(s));
        assertEquals("ein kleiner roter Stern links von einem großen blauen Quadrat", Grammar.of("de").caption(s));
        assertEquals("une petite étoile rouge à gauche d'un grand carré bleu", Grammar.of("fr").caption(s));
        assertEquals("malá červená hvězda vlevo od velkého modrého čtverce", Grammar.of("cs").caption(s));
        assertEquals("una pequeña estrella roja a la izquierda de un gran cuadrado azul", Grammar.of("es").caption(s));
        Scene below = Scene.pair(LARGE_WHITE_DIAMOND, SMALL_RED_STAR, Scene.Relation.BELOW);
        assertEquals("eine große weiße Raute unter einem kleinen roten Stern", Grammar.of("de").caption(below));
        assertEquals("velký bílý kosočtverec pod malou červenou hvězdou", Grammar.of("cs").caption(below));
        assertEquals("un gran rombo blanco debajo de una pequeña estrella roja", Grammar.of("es").caption(below));
        Scene above = Scene.pair(SMALL_RED_STAR, LARGE_WHITE_DIAMOND, Scene.Relation.ABOVE);
        assertEquals("ein kleiner roter Stern über einer großen weißen Raute", Grammar.of("de").caption(above));
        assertEquals("une petite étoile rouge au-dessus d'un grand losange blanc", Grammar.of("fr").caption(above));
    }

    @Test
    void noiseKindsChangeTheCaptionAsDescribed() {
        Scene s = Scene.pair(SMALL_RED_STAR, LARGE_BLUE_SQUARE, Scene.Relation.LEFT_OF);
        Grammar de = Grammar.of("de");
        assertEquals("ein kleiner roter Stern links von ein großer blauer Quadrat",
                de.caption(s, new Noise(EnumSet.of(Kind.WRONG_AGREEMENT), 0, Noise.Word.COLOUR)));
        assertEquals("ein kleiner roter Stern links von einem großen Quadrat",
                de.caption(s, new Noise(EnumSet.of(Kind.DROP_COLOUR), 1, Noise.Word.COLOUR)));
        assertEquals("ein kleiner roter Stern links von einem großen blauen Platz",
                de.caption(s, new Noise(EnumSet.of(Kind.WRONG_SENSE), 1, Noise.Word.SHAPE)));
        assertEquals("ein kleiner red Stern links von einem großen blauen Quadrat",
                de.caption(s, new Noise(EnumSet.of(Kind.UNTRANSLATED), 0, Noise.Word.COLOUR)));
        assertEquals("une petite rouge étoile à gauche d'un grand bleu carré",
                Grammar.of("fr").caption(s, new Noise(EnumSet.of(Kind.ENGLISH_ORDER), 0, Noise.Word.SIZE)));
        assertEquals("un pequeño estrella rojo a la izquierda de un grande cuadrado azul",
                Grammar.of("es").caption(s, new Noise(EnumSet.of(Kind.WRONG_AGREEMENT), 0, Noise.Word.SIZE)));
    }

    @Test
    void bagOfWordsCannotTellScenesApart() {
        // Swapping which colour goes with which shape changes the image but not the multiset of words.
        Scene a = Scene.pair(SMALL_RED_STAR, LARGE_BLUE_SQUARE, Scene.Relation.LEFT_OF);
        Scene b = Scene.pair(new Scene.Obj(Scene.Shape.STAR, Scene.Colour.BLUE, Scene.Size.SMALL, 0.2, 0.5),
                new Scene.Obj(Scene.Shape.SQUARE, Scene.Colour.RED, Scene.Size.LARGE, 0.8, 0.5), Scene.Relation.LEFT_OF);
        Scene c = Scene.pair(SMALL_RED_STAR, LARGE_BLUE_SQUARE, Scene.Relation.RIGHT_OF);
        Grammar en = Grammar.of("en");
        assertNotEquals(en.caption(a), en.caption(b));
        assertEquals(bag(en.caption(a)), bag(en.caption(b)), "colour binding is invisible to an English bag of words");
        // Gender agreement marks the binding in French ("étoile bleue" vs "carré bleu"), which is exactly the cue
        // that wrong-agreement MT errors destroy.
        Grammar fr = Grammar.of("fr");
        assertNotEquals(bag(fr.caption(a)), bag(fr.caption(b)));
        assertEquals(bag(Grammar.of("en").caption(a).replace("left", "right")), bag(Grammar.of("en").caption(c)));
    }

    private static List<String> bag(String s) {
        String[] w = s.split(" ");
        Arrays.sort(w);
        return List.of(w);
    }

    @Test
    void generationIsDeterministicAndSplitsAreDisjoint() {
        SyntheticScenes.Config cfg = SyntheticScenes.Config.defaults().withSizes(60, 20, 20);
        Dataset a = SyntheticScenes.generate(cfg);
        Dataset b = SyntheticScenes.generate(cfg);
        for (String split : List.of("train", "val", "test")) {
            assertEquals(a.split(split).allCaptions(), b.split(split).allCaptions());
            for (int i = 0; i < a.split(split).size(); i++) {
                assertArrayEquals(a.split(split).images().chw(i), b.split(split).images().chw(i));
            }
        }
        Dataset other = SyntheticScenes.generate(cfg.withSeed(2));
        assertNotEquals(a.split("train").allCaptions(), other.split("train").allCaptions());
        Split train = a.split("train");
        assertTrue(train.captions("de").isEmpty(), "no human target captions in training");
        assertEquals(train.captions("en").size(), train.captions("en2de").size());
        assertEquals(a.split("test").captions("en").size(), a.split("test").captions("fr").size());
    }

    @Test
    void noiseRateControlsHowManyTranslationsAreWrong() {
        double clean = errorFraction(0.0);
        double moderate = errorFraction(0.4);
        double heavy = errorFraction(0.8);
        assertEquals(0.0, clean);
        assertTrue(moderate > 0.4 && moderate < 0.8, "moderate noise: " + moderate);
        assertTrue(heavy > moderate + 0.1, "heavy " + heavy + " vs moderate " + moderate);
    }

    /** Fraction of validation captions whose pseudo-translation differs from the human translation. */
    private static double errorFraction(double rate) {
        Dataset ds = SyntheticScenes.generate(SyntheticScenes.Config.defaults().withSizes(1, 400, 1).withNoise(rate));
        Split val = ds.split("val");
        List<Caption> mt = val.captions("en2de");
        List<Caption> human = val.captions("de");
        int wrong = 0;
        for (int i = 0; i < mt.size(); i++) {
            wrong += mt.get(i).text().equals(human.get(i).text()) ? 0 : 1;
        }
        return (double) wrong / mt.size();
    }

    @Test
    void pairsNeverShowTwoIdenticalObjects() {
        Rng rng = new Rng(5);
        for (int i = 0; i < 2000; i++) {
            Scene s = SyntheticScenes.sample(rng, 1.0);
            assertTrue(!s.objects().get(0).sameLook(s.objects().get(1)));
        }
    }
}
