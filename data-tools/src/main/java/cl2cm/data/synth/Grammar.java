package cl2cm.data.synth;

/** Writes a caption of a scene in one language, optionally with the given machine-translation errors. */
public interface Grammar {
    /** ISO 639-1 code: en, de, fr, cs, es. */
    String language();

    String caption(Scene scene, Noise noise);

    default String caption(Scene scene) {
        return caption(scene, Noise.NONE);
    }

    static Grammar of(String language) {
        return switch (language) {
            case "en" -> new EnglishGrammar();
            case "de" -> new GermanGrammar();
            case "fr" -> new FrenchGrammar();
            case "cs" -> new CzechGrammar();
            case "es" -> new SpanishGrammar();
            default -> throw new IllegalArgumentException("no caption grammar for language '" + language
                    + "' (have en, de, fr, cs, es)");
        };
    }

    /** English words, for untranslated-word errors. */
    static String english(Scene.Shape s) {
        return s.name().toLowerCase();
    }

    static String english(Scene.Colour c) {
        return c.name().toLowerCase();
    }

    static String english(Scene.Size s) {
        return s == Scene.Size.SMALL ? "small" : "large";
    }
}
