package cl2cm.data;

/**
 * One caption of a visual item: {@code <visualId>#<tag>#<k> <text>} in NRCCR caption files. Tags say what kind of
 * caption it is: a language code for human captions ("en", "de"), {@code <src>2<tgt>} for machine translations of
 * source captions ("en2de"); k numbers the captions of an item, and a translation shares k with its source.
 */
public record Caption(String visualId, String tag, int k, String text) {
    public Caption {
        if (visualId.isEmpty() || visualId.contains("#") || visualId.contains(" ")) {
            throw new IllegalArgumentException("bad visual id '" + visualId + "' (no '#' or spaces allowed)");
        }
        if (!tag.matches("[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException("bad caption tag '" + tag + "'");
        }
        if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("caption " + id(visualId, tag, k) + " contains a line break");
        }
    }

    public static String id(String visualId, String tag, int k) {
        return visualId + "#" + tag + "#" + k;
    }

    public String id() {
        return id(visualId, tag, k);
    }

    /** True for machine-translation tags such as "en2de". */
    public static boolean isTranslation(String tag) {
        return tag.matches("[a-z]+2[a-z]+");
    }
}
