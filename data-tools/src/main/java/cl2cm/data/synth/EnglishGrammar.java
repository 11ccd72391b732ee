package cl2cm.data.synth;

/** "a small red circle to the left of a large blue square"; the source language (noise does not apply). */
final class EnglishGrammar implements Grammar {
    @Override
    public String language() {
        return "en";
    }

    private static String np(Scene.Obj o) {
        return "a " + Grammar.english(o.size()) + " " + Grammar.english(o.colour()) + " " + Grammar.english(o.shape());
    }

    @Override
    public String caption(Scene s, Noise noise) {
        if (!s.isPair()) {
            String where = switch (s.position()) {
                case LEFT -> "on the left";
                case RIGHT -> "on the right";
                case TOP -> "at the top";
                case BOTTOM -> "at the bottom";
                case MIDDLE -> "in the middle";
            };
            return np(s.objects().get(0)) + " " + where;
        }
        String rel = switch (s.relation()) {
            case LEFT_OF -> "to the left of";
            case RIGHT_OF -> "to the right of";
            case ABOVE -> "above";
            case BELOW -> "below";
        };
        return np(s.objects().get(0)) + " " + rel + " " + np(s.objects().get(1));
    }
}
