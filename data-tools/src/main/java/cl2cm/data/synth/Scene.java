package cl2cm.data.synth;

import java.util.List;

/**
 * What a synthetic image shows: one object at a position, or two objects in a spatial relation. Captions are
 * generated from this, never from pixels, so every caption is true of its image.
 */
public record Scene(List<Obj> objects, Position position, Relation relation) {
    public enum Shape { CIRCLE, SQUARE, TRIANGLE, STAR, CROSS, DIAMOND }

    public enum Colour { RED, GREEN, BLUE, YELLOW, PURPLE, ORANGE, BLACK, WHITE }

    public enum Size { SMALL, LARGE }

    /** Where a single object is. */
    public enum Position { LEFT, RIGHT, TOP, BOTTOM, MIDDLE }

    /** How the first object of a caption stands to the second. */
    public enum Relation {
        LEFT_OF, RIGHT_OF, ABOVE, BELOW;

        public Relation inverse() {
            return switch (this) {
                case LEFT_OF -> RIGHT_OF;
                case RIGHT_OF -> LEFT_OF;
                case ABOVE -> BELOW;
                case BELOW -> ABOVE;
            };
        }
    }

    /** An object with its centre in [0, 1]^2 (x right, y down). */
    public record Obj(Shape shape, Colour colour, Size size, double x, double y) {
        public boolean sameLook(Obj o) {
            return shape == o.shape && colour == o.colour && size == o.size;
        }
    }

    public static Scene single(Obj o, Position p) {
        return new Scene(List.of(o), p, null);
    }

    /** objects.get(0) stands in {@code relation} to objects.get(1). */
    public static Scene pair(Obj a, Obj b, Relation r) {
        return new Scene(List.of(a, b), null, r);
    }

    public boolean isPair() {
        return objects.size() == 2;
    }

    /** The same scene described from the other object's point of view (B right of A instead of A left of B). */
    public Scene swapped() {
        return isPair() ? pair(objects.get(1), objects.get(0), relation.inverse()) : this;
    }
}
