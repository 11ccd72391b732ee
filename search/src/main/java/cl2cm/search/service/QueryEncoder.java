package cl2cm.search.service;

import java.util.List;

/**
 * Turns a caption into a query embedding; the service's only tie to a model. Implementations must be safe to call
 * from many threads at once (the service answers requests in parallel).
 */
public interface QueryEncoder {
    /**
     * The unit-length embedding of {@code text}. {@code language} is the caller's statement of the text's language
     * (null: detect it). Throws {@link IllegalArgumentException} with a message for the user when the text cannot be
     * encoded meaningfully (e.g. no word the model knows).
     */
    Encoded encode(String text, String language);

    /** The languages the model was trained on, e.g. ["en", "de"]. */
    List<String> languages();

    /** A one-line description of the model, for health and info. */
    String describe();

    /** @param detected whether the language was detected (true) or given by the caller (false) */
    record Encoded(float[] vector, String language, boolean detected) {
    }
}
