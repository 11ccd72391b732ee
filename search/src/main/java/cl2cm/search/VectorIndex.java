package cl2cm.search;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A gallery of unit-length embeddings searchable by cosine similarity. Implementations: {@code LuceneIndex}
 * (embedded HNSW), {@code SolrIndex} (a SolrCloud collection) and {@link ExactScan} (every item scored through
 * the engine's GEMM; the reference the approximate ones are measured against). Searching is safe from many
 * threads at once; adding is for one writer.
 */
public interface VectorIndex extends AutoCloseable {
    /** The model whose embeddings this index holds. */
    IndexIdentity identity();

    /** Items searchable now (committed ones, for indexes that commit). */
    long size() throws IOException;

    /** The {@code k} items most similar to {@code query} (unit length, {@code identity().dimensions()} long), best first. */
    List<Hit> search(float[] query, int k) throws IOException;

    /** Where item {@code id}'s picture is, if the item exists and has one. */
    Optional<String> picture(String id) throws IOException;

    /** Ids already in the index, so an interrupted build continues where its last commit left off. */
    Set<String> ids() throws IOException;

    /** Adds items (an existing id is replaced). Visible to searches after {@link #commit()}. */
    void add(List<Entry> entries) throws IOException;

    /** Makes what was added durable and searchable; a crash after it loses nothing added before it. */
    void commit() throws IOException;

    @Override
    void close() throws IOException;

    /** Checks a query or an entry's vector: right length, finite, unit length (cosine = dot product). */
    static void checkVector(float[] v, int dimensions, String what) {
        if (v.length != dimensions) {
            throw new IllegalArgumentException(what + " has " + v.length + " dimensions, the index holds "
                    + dimensions);
        }
        double sq = 0;
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new IllegalArgumentException(what + " holds " + v[i] + " at element " + i);
            }
            sq += (double) v[i] * v[i];
        }
        if (Math.abs(Math.sqrt(sq) - 1) > 1e-3) {
            throw new IllegalArgumentException(what + " has length " + (float) Math.sqrt(sq)
                    + "; the index compares unit vectors (normalise it first)");
        }
    }

    /** Checks k against the bound every index applies. */
    static void checkK(int k) {
        if (k < 1 || k > MAX_K) {
            throw new IllegalArgumentException("k must be between 1 and " + MAX_K + ", not " + k);
        }
    }

    /** The most results one search returns. */
    int MAX_K = 1000;
}
