package cl2cm.search;

import java.util.Objects;

/**
 * One gallery item to index: its id, its unit-length embedding and where its picture is (a path relative to the
 * index, an absolute path or a URL; null when the gallery has no pictures, e.g. feature-vector datasets).
 */
public record Entry(String id, float[] vector, String picture) {
    public Entry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(vector, "vector");
        if (id.isEmpty()) {
            throw new IllegalArgumentException("an indexed item needs a non-empty id");
        }
    }
}
