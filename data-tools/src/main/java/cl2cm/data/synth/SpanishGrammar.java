package cl2cm.data.synth;

import cl2cm.data.synth.Noise.Kind;
import cl2cm.data.synth.Noise.Word;

/**
 * Spanish: "un pequeño círculo rojo a la izquierda de un gran cuadrado azul". Size before the noun ("grande"
 * shortens to "gran" there), colour after it, both agreeing in gender.
 */
final class SpanishGrammar implements Grammar {
    private record Noun(String word, boolean feminine) {
    }

    @Override
    public String language() {
        return "es";
    }

    private static Noun noun(Scene.Shape s, boolean wrongSense) {
        if (wrongSense) {
            return switch (s) {
                case CIRCLE -> new Noun("circuito", false);
                case SQUARE -> new Noun("plaza", true);
                case TRIANGLE -> new Noun("triángulo", false);
                case STAR -> new Noun("astro", false);
                case CROSS -> new Noun("cruce", false);
                case DIAMOND -> new Noun("diamante", false);
            };
        }
        return switch (s) {
            case CIRCLE -> new Noun("círculo", false);
            case SQUARE -> new Noun("cuadrado", false);
            case TRIANGLE -> new Noun("triángulo", false);
            case STAR -> new Noun("estrella", true);
            case CROSS -> new Noun("cruz", true);
            case DIAMOND -> new Noun("rombo", false);
        };
    }

    private static String colour(Scene.Colour c, boolean fem, boolean synonym) {
        return switch (c) {
            case RED -> synonym ? (fem ? "colorada" : "colorado") : fem ? "roja" : "rojo";
            case GREEN -> "verde";
            case BLUE -> synonym ? "celeste" : "azul";
            case YELLOW -> fem ? "amarilla" : "amarillo";
            case PURPLE -> synonym ? "violeta" : fem ? "morada" : "morado";
            case ORANGE -> "naranja";
            case BLACK -> fem ? "negra" : "negro";
            case WHITE -> fem ? "blanca" : "blanco";
        };
    }

    /** Size adjective before the noun; a word-by-word system writes "grande" where "gran" is required. */
    private static String size(Scene.Size s, boolean fem, boolean synonym, boolean wrong) {
        if (s == Scene.Size.SMALL) {
            return synonym ? (fem ? "diminuta" : "diminuto") : fem ? "pequeña" : "pequeño";
        }
        return synonym ? "enorme" : wrong ? "grande" : "gran";
    }

    private static String np(Scene.Obj o, Noise n, int slot) {
        Noun noun = noun(o.shape(), n.on(Kind.WRONG_SENSE, slot));
        boolean wrong = n.has(Kind.WRONG_AGREEMENT);
        boolean fem = noun.feminine() && !wrong;
        StringBuilder sb = new StringBuilder(fem ? "una" : "un");
        if (!n.on(Kind.DROP_SIZE, slot)) {
            sb.append(' ').append(n.on(Kind.UNTRANSLATED, slot, Word.SIZE) ? Grammar.english(o.size())
                    : size(o.size(), fem, n.on(Kind.SYNONYM, slot, Word.SIZE), wrong));
        }
        String col = n.on(Kind.DROP_COLOUR, slot) ? null : n.on(Kind.UNTRANSLATED, slot, Word.COLOUR)
                ? Grammar.english(o.colour()) : colour(o.colour(), fem, n.on(Kind.SYNONYM, slot, Word.COLOUR));
        String nw = n.on(Kind.UNTRANSLATED, slot, Word.SHAPE) ? Grammar.english(o.shape()) : noun.word();
        if (n.has(Kind.ENGLISH_ORDER) && col != null) {
            sb.append(' ').append(col).append(' ').append(nw);
        } else {
            sb.append(' ').append(nw);
            if (col != null) {
                sb.append(' ').append(col);
            }
        }
        return sb.toString();
    }

    @Override
    public String caption(Scene s, Noise n) {
        boolean literal = n.has(Kind.ENGLISH_ORDER);
        String subject = np(s.objects().get(0), n, 0);
        if (!s.isPair()) {
            String where = switch (s.position()) {
                case LEFT -> literal ? "en la izquierda" : "a la izquierda";
                case RIGHT -> literal ? "en la derecha" : "a la derecha";
                case TOP -> literal ? "en la cima" : "arriba";
                case BOTTOM -> literal ? "en el fondo" : "abajo";
                case MIDDLE -> literal ? "en el medio" : "en el centro";
            };
            return subject + " " + where;
        }
        String rel = switch (s.relation()) {
            case LEFT_OF -> literal ? "al izquierdo de" : "a la izquierda de";
            case RIGHT_OF -> literal ? "al derecho de" : "a la derecha de";
            case ABOVE -> literal ? "sobre de" : "encima de";
            case BELOW -> literal ? "bajo de" : "debajo de";
        };
        return subject + " " + rel + " " + np(s.objects().get(1), n, 1);
    }
}
