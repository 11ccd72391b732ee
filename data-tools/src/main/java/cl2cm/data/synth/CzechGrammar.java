package cl2cm.data.synth;

import cl2cm.data.synth.Noise.Kind;
import cl2cm.data.synth.Noise.Word;

/**
 * Czech: "malý červený kruh vlevo od velkého modrého čtverce". No articles; hard adjectives agree in gender and
 * case; "vlevo od"/"vpravo od" take the genitive, "nad"/"pod" the instrumental.
 */
final class CzechGrammar implements Grammar {
    private enum G { M, F, N }

    private enum Case { NOM, GEN, INS }

    /** Nominative, genitive and instrumental singular. */
    private record Noun(String nom, String gen, String ins, G gender) {
        String form(Case c) {
            return switch (c) {
                case NOM -> nom;
                case GEN -> gen;
                case INS -> ins;
            };
        }
    }

    @Override
    public String language() {
        return "cs";
    }

    private static Noun noun(Scene.Shape s, boolean wrongSense) {
        if (wrongSense) {
            return switch (s) {
                case CIRCLE -> new Noun("okruh", "okruhu", "okruhem", G.M);
                case SQUARE -> new Noun("náměstí", "náměstí", "náměstím", G.N);
                case TRIANGLE -> new Noun("triangl", "trianglu", "trianglem", G.M);
                case STAR -> new Noun("celebrita", "celebrity", "celebritou", G.F);
                case CROSS -> new Noun("přechod", "přechodu", "přechodem", G.M);
                case DIAMOND -> new Noun("diamant", "diamantu", "diamantem", G.M);
            };
        }
        return switch (s) {
            case CIRCLE -> new Noun("kruh", "kruhu", "kruhem", G.M);
            case SQUARE -> new Noun("čtverec", "čtverce", "čtvercem", G.M);
            case TRIANGLE -> new Noun("trojúhelník", "trojúhelníku", "trojúhelníkem", G.M);
            case STAR -> new Noun("hvězda", "hvězdy", "hvězdou", G.F);
            case CROSS -> new Noun("kříž", "kříže", "křížem", G.M);
            case DIAMOND -> new Noun("kosočtverec", "kosočtverce", "kosočtvercem", G.M);
        };
    }

    private static String colourStem(Scene.Colour c, boolean synonym) {
        return switch (c) {
            case RED -> synonym ? "rud" : "červen";
            case GREEN -> "zelen";
            case BLUE -> synonym ? "blankytn" : "modr";
            case YELLOW -> "žlut";
            case PURPLE -> synonym ? "purpurov" : "fialov";
            case ORANGE -> "oranžov";
            case BLACK -> "čern";
            case WHITE -> "bíl";
        };
    }

    private static String sizeStem(Scene.Size s, boolean synonym) {
        return s == Scene.Size.SMALL ? (synonym ? "drobn" : "mal") : (synonym ? "obrovsk" : "velk");
    }

    /** Hard-declension ending for gender and case. */
    private static String ending(G g, Case c) {
        return switch (c) {
            case NOM -> g == G.M ? "ý" : g == G.F ? "á" : "é";
            case GEN -> g == G.F ? "é" : "ého";
            case INS -> g == G.F ? "ou" : "ým";
        };
    }

    private static String np(Scene.Obj o, Case c, Noise n, int slot) {
        Noun noun = noun(o.shape(), n.on(Kind.WRONG_SENSE, slot));
        boolean wrong = n.has(Kind.WRONG_AGREEMENT);
        Case cc = wrong ? Case.NOM : c;
        G g = wrong ? G.M : noun.gender();
        String end = ending(g, cc);
        StringBuilder sb = new StringBuilder();
        if (!n.on(Kind.DROP_SIZE, slot)) {
            sb.append(n.on(Kind.UNTRANSLATED, slot, Word.SIZE) ? Grammar.english(o.size())
                    : sizeStem(o.size(), n.on(Kind.SYNONYM, slot, Word.SIZE)) + end).append(' ');
        }
        if (!n.on(Kind.DROP_COLOUR, slot)) {
            sb.append(n.on(Kind.UNTRANSLATED, slot, Word.COLOUR) ? Grammar.english(o.colour())
                    : colourStem(o.colour(), n.on(Kind.SYNONYM, slot, Word.COLOUR)) + end).append(' ');
        }
        sb.append(n.on(Kind.UNTRANSLATED, slot, Word.SHAPE) ? Grammar.english(o.shape()) : noun.form(cc));
        return sb.toString();
    }

    @Override
    public String caption(Scene s, Noise n) {
        boolean literal = n.has(Kind.ENGLISH_ORDER);
        String subject = np(s.objects().get(0), Case.NOM, n, 0);
        if (!s.isPair()) {
            String where = switch (s.position()) {
                case LEFT -> literal ? "na levé" : "vlevo";
                case RIGHT -> literal ? "na pravé" : "vpravo";
                case TOP -> literal ? "na vrcholu" : "nahoře";
                case BOTTOM -> literal ? "na dně" : "dole";
                case MIDDLE -> literal ? "ve středu" : "uprostřed";
            };
            return subject + " " + where;
        }
        return switch (s.relation()) {
            case LEFT_OF -> subject + (literal ? " nalevo z " : " vlevo od ") + np(s.objects().get(1), Case.GEN, n, 1);
            case RIGHT_OF -> subject + (literal ? " napravo z " : " vpravo od ") + np(s.objects().get(1), Case.GEN, n, 1);
            case ABOVE -> subject + " nad " + np(s.objects().get(1), Case.INS, n, 1);
            case BELOW -> subject + " pod " + np(s.objects().get(1), Case.INS, n, 1);
        };
    }
}
