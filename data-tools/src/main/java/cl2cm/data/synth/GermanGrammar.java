package cl2cm.data.synth;

import cl2cm.data.synth.Noise.Kind;
import cl2cm.data.synth.Noise.Word;

/**
 * German: "ein kleiner roter Kreis links von einem großen blauen Quadrat". Mixed adjective declension after
 * ein/eine (nominative -er/-e/-es by gender; dative -en), and dative after "links von", "über", "unter".
 */
final class GermanGrammar implements Grammar {
    private enum G { M, F, N }

    private record Noun(String word, G gender) {
    }

    @Override
    public String language() {
        return "de";
    }

    private static Noun noun(Scene.Shape s, boolean wrongSense) {
        if (wrongSense) {
            return switch (s) {
                case CIRCLE -> new Noun("Zirkel", G.M);
                case SQUARE -> new Noun("Platz", G.M);
                case TRIANGLE -> new Noun("Triangel", G.F);
                case STAR -> new Noun("Star", G.M);
                case CROSS -> new Noun("Kreuzung", G.F);
                case DIAMOND -> new Noun("Diamant", G.M);
            };
        }
        return switch (s) {
            case CIRCLE -> new Noun("Kreis", G.M);
            case SQUARE -> new Noun("Quadrat", G.N);
            case TRIANGLE -> new Noun("Dreieck", G.N);
            case STAR -> new Noun("Stern", G.M);
            case CROSS -> new Noun("Kreuz", G.N);
            case DIAMOND -> new Noun("Raute", G.F);
        };
    }

    private static String colourStem(Scene.Colour c, boolean synonym) {
        return switch (c) {
            case RED -> synonym ? "scharlachrot" : "rot";
            case GREEN -> "grün";
            case BLUE -> synonym ? "himmelblau" : "blau";
            case YELLOW -> "gelb";
            case PURPLE -> synonym ? "lila" : "violett";
            case ORANGE -> "orangefarben";
            case BLACK -> "schwarz";
            case WHITE -> "weiß";
        };
    }

    private static String sizeStem(Scene.Size s, boolean synonym) {
        return s == Scene.Size.SMALL ? (synonym ? "winzig" : "klein") : (synonym ? "riesig" : "groß");
    }

    /** Noun phrase in nominative or dative; wrong agreement uses the masculine nominative forms throughout. */
    private static String np(Scene.Obj o, boolean dative, Noise n, int slot) {
        Noun noun = noun(o.shape(), n.on(Kind.WRONG_SENSE, slot));
        boolean wrong = n.has(Kind.WRONG_AGREEMENT);
        G g = wrong ? G.M : noun.gender();
        boolean dat = dative && !wrong;
        String article = dat ? (g == G.F ? "einer" : "einem") : (g == G.F ? "eine" : "ein");
        String ending = dat ? "en" : switch (g) {
            case M -> "er";
            case F -> "e";
            case N -> "es";
        };
        StringBuilder sb = new StringBuilder(article);
        if (!n.on(Kind.DROP_SIZE, slot)) {
            sb.append(' ').append(n.on(Kind.UNTRANSLATED, slot, Word.SIZE) ? Grammar.english(o.size())
                    : sizeStem(o.size(), n.on(Kind.SYNONYM, slot, Word.SIZE)) + ending);
        }
        if (!n.on(Kind.DROP_COLOUR, slot)) {
            String stem = colourStem(o.colour(), n.on(Kind.SYNONYM, slot, Word.COLOUR));
            sb.append(' ').append(n.on(Kind.UNTRANSLATED, slot, Word.COLOUR) ? Grammar.english(o.colour())
                    : stem.equals("lila") ? stem : stem + ending);
        }
        sb.append(' ').append(n.on(Kind.UNTRANSLATED, slot, Word.SHAPE) ? Grammar.english(o.shape()) : noun.word());
        return sb.toString();
    }

    @Override
    public String caption(Scene s, Noise n) {
        boolean literal = n.has(Kind.ENGLISH_ORDER);
        if (!s.isPair()) {
            String where = switch (s.position()) {
                case LEFT -> literal ? "auf der links" : "links";
                case RIGHT -> literal ? "auf der rechts" : "rechts";
                case TOP -> literal ? "an der Spitze" : "oben";
                case BOTTOM -> literal ? "an dem Boden" : "unten";
                case MIDDLE -> "in der Mitte";
            };
            return np(s.objects().get(0), false, n, 0) + " " + where;
        }
        String rel = switch (s.relation()) {
            case LEFT_OF -> literal ? "zu der Linken von" : "links von";
            case RIGHT_OF -> literal ? "zu der Rechten von" : "rechts von";
            case ABOVE -> literal ? "oberhalb von" : "über";
            case BELOW -> literal ? "unterhalb von" : "unter";
        };
        return np(s.objects().get(0), false, n, 0) + " " + rel + " " + np(s.objects().get(1), true, n, 1);
    }
}
