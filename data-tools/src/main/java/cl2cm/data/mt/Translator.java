package cl2cm.data.mt;

import java.io.IOException;
import java.util.List;

/** Machine translation of source captions into pseudo-parallel target captions. */
public interface Translator {
    /** A short name for logs and cache files, e.g. "apertium eng-spa" . */
    String name();

    /** Translations, one per input sentence and in order. */
    List<String> translate(List<String> sentences) throws IOException;
}
