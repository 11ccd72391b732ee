package cl2cm.eval;

import cl2cm.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RetrievalTest {
    @Test
    void ranksFollowTheStandardProtocolWithSeveralCaptionsPerItem() {
        // gallery: 3 items on the axes of R^3; 4 queries, item 0 has two captions.
        Tensor gallery = Tensor.of(new float[]{1, 0, 0, 0, 1, 0, 0, 0, 1}, 3, 3);
        Tensor queries = Tensor.of(new float[]{
                0.9f, 0.1f, 0f,   // item 0: rank 1
                0.1f, 0.9f, 0f,   // item 0: rank 2 (item 1 scores higher)
                0f, 1f, 0f,       // item 1: rank 1
                0.6f, 0f, 0.5f},  // item 2: rank 2
                4, 3);
        Retrieval.Metrics m = Retrieval.evaluate(queries, new int[]{0, 0, 1, 2}, gallery);
        assertEquals(50.0, m.r1T2v(), 1e-9);
        assertEquals(100.0, m.r5T2v(), 1e-9);
        assertEquals(1.5, m.medrT2v(), 1e-9);
        // item 0's best caption (query 0) is its top query; item 1: query 2 best; item 2: query 3 is beaten by none
        // of the other queries on item 2 (scores 0, 0, 0 vs 0.5) -> rank 1
        assertEquals(100.0, m.r1V2t(), 1e-9);
        assertEquals((50 + 100 + 100 + 100 + 100 + 100) / 6.0, m.mR(), 1e-9);
    }

    @Test
    void nonFiniteEmbeddingsAreRefusedNotRanked() {
        // Without the check a NaN similarity never loses a comparison, so this would score R@1 = 100.
        Tensor gallery = Tensor.of(new float[]{1, 0, Float.NaN, 1}, 2, 2);
        Tensor queries = Tensor.of(new float[]{1, 0, 0, 1}, 2, 2);
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> Retrieval.evaluate(queries, new int[]{0, 1}, gallery));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("gallery embeddings")
                && e.getMessage().contains("row 1"), e.getMessage());
    }

    @Test
    void aCollapsedModelScoresNothing() {
        Tensor same = Tensor.of(new float[]{1, 0, 1, 0, 1, 0}, 3, 2);
        Retrieval.Metrics m = Retrieval.evaluate(same, new int[]{0, 1, 2}, same);
        assertEquals(0.0, m.r1T2v(), 1e-9);
    }
}
