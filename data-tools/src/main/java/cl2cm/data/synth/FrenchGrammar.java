package cl2cm.data.synth;

import cl2cm.data.synth.Noise.Kind;
import cl2cm.data.synth.Noise.Word;

/**
 * French: "un petit cercle rouge à gauche d'un grand carré bleu". Size before the noun, colour after it, both
 * agreeing in gender; "de" elides before un/une.
 */
final class FrenchGrammar implements Grammar {
    private record Noun(String word, boolean feminine) {
    }

    @Override
    public String language() {
        return "fr";
    }

    private static Noun noun(Scene.Shape s, boolean wrongSense) {
        if (wrongSense) {
            return switch (s) {
                case CIRCLE -> new Noun("cénacle", false);
                case SQUARE -> new Noun("place", true);
                case TRIANGLE -> new Noun("triangle", false);
                case STAR -> new Noun("vedette", true);
                case CROSS -> new Noun("traversée", true);
                case DIAMOND -> new Noun("diamant", false);
            };
        }
        return switch (s) {
            case CIRCLE -> new Noun("cercle", false);
            case SQUARE -> new Noun("carré", false);
            case TRIANGLE -> new Noun("triangle", false);
            case STAR -> new Noun("étoile", true);
            case CROSS -> new Noun("croix", true);
            case DIAMOND -> new Noun("losange", false);
        };
    }

    private static String colour(Scene.Colour c, boolean fem, boolean synonym) {
        return switch (c) {
            case RED -> synonym ? "écarlate" : "rouge";
            case GREEN -> fem ? "verte" : "vert";
            case BLUE -> synonym ? "azur" : fem ? "bleue" : "bleu";
            case YELLOW -> "jaune";
            case PURPLE -> synonym ? "pourpre" : fem ? "violette" : "violet";
            case ORANGE -> "orange";
            case BLACK -> fem ? "noire" : "noir";
            case WHITE -> fem ? "blanche" : "blanc";
        };
    }

    private static String size(Scene.Size s, boolean fem, boolean synonym) {
        if (s == Scene.Size.SMALL) {
            return synonym ? "minuscule" : fem ? "petite" : "petit";
        }
        return synonym ? (fem ? "grosse" : "gros") : fem ? "grande" : "grand";
    }

    /** The noun phrase without its article, and whether it is feminine (as the article must then agree). */
    private static String[] np(Scene.Obj o, Noise n, int slot) {
        Noun noun = noun(o.shape(), n.on(Kind.WRONG_SENSE, slot));
        boolean fem = noun.feminine() && !n.has(Kind.WRONG_AGREEMENT);
        String sz = n.on(Kind.DROP_SIZE, slot) ? null : n.on(Kind.UNTRANSLATED, slot, Word.SIZE)
                ? Grammar.english(o.size()) : size(o.size(), fem, n.on(Kind.SYNONYM, slot, Word.SIZE));
        String col = n.on(Kind.DROP_COLOUR, slot) ? null : n.on(Kind.UNTRANSLATED, slot, Word.COLOUR)
                ? Grammar.english(o.colour()) : colour(o.colour(), fem, n.on(Kind.SYNONYM, slot, Word.COLOUR));
        String nw = n.on(Kind.UNTRANSLATED, slot, Word.SHAPE) ? Grammar.english(o.shape()) : noun.word();
        StringBuilder sb = new StringBuilder();
        if (sz != null) {
            sb.append(sz).append(' ');
        }
        if (n.has(Kind.ENGLISH_ORDER) && col != null) {
            sb.append(col).append(' ').append(nw);
        } else {
            sb.append(nw);
            if (col != null) {
                sb.append(' ').append(col);
            }
        }
        return new String[]{sb.toString(), fem ? "une" : "un"};
    }

    @Override
    public String caption(Scene s, Noise n) {
        String[] a = np(s.objects().get(0), n, 0);
        String subject = a[1] + " " + a[0];
        if (!s.isPair()) {
            boolean literal = n.has(Kind.ENGLISH_ORDER);
            String where = switch (s.position()) {
                case LEFT -> literal ? "sur la gauche" : "à gauche";
                case RIGHT -> literal ? "sur la droite" : "à droite";
                case TOP -> literal ? "au sommet" : "en haut";
                case BOTTOM -> literal ? "au fond" : "en bas";
                case MIDDLE -> literal ? "dans le milieu" : "au milieu";
            };
            return subject + " " + where;
        }
        String[] b = np(s.objects().get(1), n, 1);
        String rel = switch (s.relation()) {
            case LEFT_OF -> "à gauche";
            case RIGHT_OF -> "à droite";
            case ABOVE -> "au-dessus";
            case BELOW -> "au-dessous";
        };
        // "de" + "un" -> "d'un"; a word-by-word system forgets the elision.
        String of = n.has(Kind.WRONG_AGREEMENT) ? " de " + b[1] : " d'" + b[1];
        return subject + " " + rel + of + " " + b[0];
    }
}
