package cl2cm.search;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExactScanTest {
    /** The scan's top k is the plain sort of every dot product, on odd sizes, in batches and one by one. */
    @Test
    void topKIsTheSortedDotProducts() {
        int dims = 19;
        List<Entry> items = Galleries.clustered(333, dims, 5, 1);
        ExactScan scan = new ExactScan(Galleries.identity(dims));
        scan.add(items.subList(0, 200));
        scan.commit();
        scan.add(items.subList(200, 333));   // a second commit appends
        scan.commit();
        assertEquals(333, scan.size());
        Random r = new Random(2);
        float[][] queries = new float[7][];
        for (int i = 0; i < queries.length; i++) {
            queries[i] = Galleries.randomUnit(r, dims);
        }
        List<List<Hit>> batched = scan.search(queries, 13);
        for (int i = 0; i < queries.length; i++) {
            List<Hit> expected = reference(items, queries[i], 13);
            List<Hit> one = scan.search(queries[i], 13);
            assertEquals(13, one.size());
            for (int j = 0; j < 13; j++) {
                assertEquals(expected.get(j).id(), one.get(j).id(), "query " + i + " rank " + j);
                assertEquals(expected.get(j).score(), one.get(j).score(), 1e-5);
                assertEquals(one.get(j).id(), batched.get(i).get(j).id());
                assertEquals("pictures/" + one.get(j).id() + ".png", one.get(j).picture());
            }
        }
        // k above the gallery size returns the whole gallery
        assertEquals(333, scan.search(queries[0], 1000).size());
    }

    @Test
    void badInputIsNamed() {
        ExactScan scan = new ExactScan(Galleries.identity(4));
        var e = assertThrows(IllegalArgumentException.class,
                () -> scan.add(List.of(new Entry("x", new float[]{1, 1, 0, 0}, null))));
        assertTrue(e.getMessage().contains("item 'x' has length"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> scan.search(new float[]{1, 0, 0}, 3));
        assertTrue(e.getMessage().contains("3 dimensions, the index holds 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> scan.search(new float[]{1, 0, 0, 0}, 0));
        assertTrue(e.getMessage().contains("k must be between 1"), e.getMessage());
        scan.add(List.of(new Entry("x", new float[]{1, 0, 0, 0}, null)));
        e = assertThrows(IllegalArgumentException.class,
                () -> scan.add(List.of(new Entry("x", new float[]{0, 1, 0, 0}, null))));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
        assertEquals(0, scan.search(new float[]{1, 0, 0, 0}, 3).size(), "nothing is searchable before commit");
    }

    static List<Hit> reference(List<Entry> items, float[] q, int k) {
        List<Hit> all = new ArrayList<>();
        for (Entry e : items) {
            double s = 0;
            for (int j = 0; j < q.length; j++) {
                s += (double) q[j] * e.vector()[j];
            }
            all.add(new Hit(e.id(), (float) s, e.picture()));
        }
        all.sort(Comparator.comparingDouble((Hit h) -> -h.score()));
        return all.subList(0, Math.min(k, all.size()));
    }
}
