package cl2cm.search;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Which model wrote an index's embeddings. Embeddings of two models live in different spaces, so an index accepts
 * additions and queries only from the model it was built with: same weights (the SHA-256 of their data), same
 * config, same embedding size.
 *
 * @param run        the run folder the model came from (absolute path; where {@code search --index} finds the
 *                   text tower)
 * @param model      which network of the run: "cl2cm" or "baseline"
 * @param weights    SHA-256 of the weights file's tensor data
 * @param config     SHA-256 of the run's config.json
 * @param dimensions embedding size
 */
public record IndexIdentity(String run, String model, String weights, String config, int dimensions) {
    /** The version of the layout this code writes; an index of another version is refused, not guessed at. */
    public static final String FORMAT = "cl2cm-index-1";

    public IndexIdentity {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(config, "config");
        if (dimensions < 1) {
            throw new IllegalArgumentException("embedding size must be positive, not " + dimensions);
        }
    }

    /** As stored beside the index (Lucene commit data, a Solr metadata document). */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("run", run);
        m.put("model", model);
        m.put("weights", weights);
        m.put("config", config);
        m.put("dimensions", Integer.toString(dimensions));
        return m;
    }

    /** Reads {@link #toMap()}'s form back; {@code where} names the index in errors. */
    public static IndexIdentity fromMap(Map<String, String> m, String where) {
        String format = m.get("format");
        if (format == null) {
            throw new IndexMismatchException(where + ": not a cl2cm index (no identity recorded)");
        }
        if (!format.equals(FORMAT)) {
            throw new IndexMismatchException(where + ": index format " + format + ", this version reads " + FORMAT);
        }
        for (String key : new String[]{"run", "model", "weights", "config", "dimensions"}) {
            if (m.get(key) == null) {
                throw new IndexMismatchException(where + ": index identity lacks '" + key + "'");
            }
        }
        int dims;
        try {
            dims = Integer.parseInt(m.get("dimensions"));
        } catch (NumberFormatException e) {
            throw new IndexMismatchException(where + ": index identity has dimensions '" + m.get("dimensions") + "'");
        }
        return new IndexIdentity(m.get("run"), m.get("model"), m.get("weights"), m.get("config"), dims);
    }

    /**
     * Refuses to mix models: throws unless {@code other} has the same weights, config and embedding size as this
     * (an index that moved with its run folder is still the same model, so the path is not compared).
     */
    public void requireSameModel(IndexIdentity other, String where) {
        String what = null;
        if (dimensions != other.dimensions) {
            what = "embedding size " + dimensions + " vs " + other.dimensions;
        } else if (!weights.equals(other.weights)) {
            what = "weights " + shortHash(weights) + " (" + model + " of " + run + ") vs " + shortHash(other.weights)
                    + " (" + other.model + " of " + other.run + ")";
        } else if (!config.equals(other.config)) {
            what = "config " + shortHash(config) + " vs " + shortHash(other.config);
        }
        if (what != null) {
            throw new IndexMismatchException(where + ": built from another model (" + what + "); embeddings of "
                    + "different models are not comparable, so they are never mixed: write a new index, or "
                    + "rebuild this one with --overwrite");
        }
    }

    private static String shortHash(String h) {
        return h.length() > 12 ? h.substring(0, 12) + "…" : h;
    }
}
