package cl2cm.search.lucene;

/**
 * The HNSW graph's shape. {@code maxConn} (M) neighbours per node and {@code beamWidth} candidates while building
 * trade build time and size for recall; {@code ef} candidates while searching trades query time for recall.
 * Lucene's defaults are M = 16, beam width = 100; {@code docs/retrieval.md} has the measured trade-off.
 */
public record HnswParams(int maxConn, int beamWidth, int ef) {
    public static final HnswParams DEFAULT = new HnswParams(16, 100, 100);

    public HnswParams {
        if (maxConn < 2 || maxConn > 512) {
            throw new IllegalArgumentException("HNSW M must be between 2 and 512, not " + maxConn);
        }
        if (beamWidth < 1 || beamWidth > 3200) {
            throw new IllegalArgumentException("HNSW beam width must be between 1 and 3200, not " + beamWidth);
        }
        if (ef < 1 || ef > 10_000) {
            throw new IllegalArgumentException("HNSW ef must be between 1 and 10000, not " + ef);
        }
    }

    public HnswParams withEf(int newEf) {
        return new HnswParams(maxConn, beamWidth, newEf);
    }
}
