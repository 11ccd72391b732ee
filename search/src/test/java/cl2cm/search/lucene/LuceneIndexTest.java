package cl2cm.search.lucene;

import cl2cm.search.Entry;
import cl2cm.search.ExactScan;
import cl2cm.search.Galleries;
import cl2cm.search.Hit;
import cl2cm.search.IndexIdentity;
import cl2cm.search.IndexMismatchException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LuceneIndexTest {
    @TempDir
    Path tmp;

    /** On a small gallery HNSW with ef above the gallery size finds exactly what the exact scan finds. */
    @Test
    void smallGalleryMatchesTheExactScan() throws Exception {
        int dims = 24;
        List<Entry> items = Galleries.clustered(300, dims, 6, 3);
        IndexIdentity id = Galleries.identity(dims);
        Path folder = tmp.resolve("idx");
        try (LuceneIndex idx = LuceneIndex.openForWriting(folder, id, HnswParams.DEFAULT, false)) {
            idx.add(items);
            idx.commit();
        }
        ExactScan scan = new ExactScan(id);
        scan.add(items);
        scan.commit();
        Random r = new Random(4);
        try (LuceneIndex idx = LuceneIndex.openForSearch(folder, 400)) {
            assertEquals(300, idx.size());
            assertEquals(id, idx.identity());
            for (int q = 0; q < 20; q++) {
                float[] query = q < 10 ? Galleries.randomUnit(r, dims) : items.get(q * 7).vector();
                List<Hit> exact = scan.search(query, 10);
                List<Hit> approx = idx.search(query, 10);
                assertEquals(10, approx.size());
                for (int j = 0; j < 10; j++) {
                    assertEquals(exact.get(j).score(), approx.get(j).score(), 2e-6, "query " + q + " rank " + j);
                    if (j + 1 < 10 && exact.get(j).score() - exact.get(j + 1).score() > 1e-5
                            && (j == 0 || exact.get(j - 1).score() - exact.get(j).score() > 1e-5)) {
                        assertEquals(exact.get(j).id(), approx.get(j).id(), "query " + q + " rank " + j);
                    }
                    assertEquals("pictures/" + approx.get(j).id() + ".png", approx.get(j).picture());
                }
            }
            assertEquals(Optional.of("pictures/item-42.png"), idx.picture("item-42"));
            assertEquals(Optional.empty(), idx.picture("no-such-item"));
        }
    }

    /** A build continues where its last commit left off; what was not committed is gone, nothing else. */
    @Test
    void incrementalAndCrashSafe() throws Exception {
        int dims = 8;
        List<Entry> items = Galleries.clustered(120, dims, 3, 5);
        IndexIdentity id = Galleries.identity(dims);
        Path folder = tmp.resolve("idx");
        try (LuceneIndex idx = LuceneIndex.openForWriting(folder, id, HnswParams.DEFAULT, false)) {
            idx.add(items.subList(0, 50));
            idx.commit();
            idx.add(items.subList(50, 80));
            // closed without a commit, as a killed process would leave it
        }
        try (LuceneIndex idx = LuceneIndex.openForWriting(folder, id, HnswParams.DEFAULT, false)) {
            var have = idx.ids();
            assertEquals(50, have.size());
            assertTrue(have.contains("item-49") && !have.contains("item-50"));
            idx.add(items.subList(50, 120));
            idx.add(items.subList(0, 10));     // re-adding an id replaces it, never duplicates
            idx.commit();
            assertEquals(120, idx.size());
        }
        assertTrue(LuceneIndex.exists(folder));
        assertEquals(id, LuceneIndex.readIdentity(folder));
    }

    @Test
    void anotherModelIsRefusedUnlessOverwritten() throws Exception {
        Path folder = tmp.resolve("idx");
        IndexIdentity a = Galleries.identity(8);
        try (LuceneIndex idx = LuceneIndex.openForWriting(folder, a, HnswParams.DEFAULT, false)) {
            idx.add(Galleries.clustered(10, 8, 2, 1));
            idx.commit();
        }
        IndexIdentity b = new IndexIdentity("/runs/other", "cl2cm", "c".repeat(64), a.config(), 8);
        var e = assertThrows(IndexMismatchException.class,
                () -> LuceneIndex.openForWriting(folder, b, HnswParams.DEFAULT, false));
        assertTrue(e.getMessage().contains(folder.toString()) && e.getMessage().contains("weights aaaaaaaaaaaa")
                && e.getMessage().contains("--overwrite"), e.getMessage());
        IndexIdentity wider = new IndexIdentity(a.run(), a.model(), a.weights(), a.config(), 16);
        e = assertThrows(IndexMismatchException.class,
                () -> LuceneIndex.openForWriting(folder, wider, HnswParams.DEFAULT, false));
        assertTrue(e.getMessage().contains("embedding size 8 vs 16"), e.getMessage());
        // the refused attempts changed nothing
        assertEquals(a, LuceneIndex.readIdentity(folder));
        try (LuceneIndex idx = LuceneIndex.openForWriting(folder, b, HnswParams.DEFAULT, true)) {
            idx.add(Galleries.clustered(3, 8, 1, 2));
            idx.commit();
            assertEquals(3, idx.size());
        }
        assertEquals(b, LuceneIndex.readIdentity(folder));
    }

    @Test
    void aFolderOfOtherFilesIsNeverWrittenInto() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(home.resolve("notes.txt"), "mine");
        var e = assertThrows(java.io.IOException.class,
                () -> LuceneIndex.openForWriting(home, Galleries.identity(4), HnswParams.DEFAULT, true));
        assertTrue(e.getMessage().contains("holds 'notes.txt'"), e.getMessage());
        assertEquals(List.of(home.resolve("notes.txt")), Files.list(home).toList());
        e = assertThrows(java.io.IOException.class,
                () -> LuceneIndex.openForWriting(home.resolve("notes.txt"), Galleries.identity(4), HnswParams.DEFAULT, false));
        assertTrue(e.getMessage().contains("is a file"), e.getMessage());
    }

    @Test
    void aFolderWithoutAnIndexIsNamed() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertFalse(LuceneIndex.exists(empty));
        var e = assertThrows(IndexMismatchException.class, () -> LuceneIndex.openForSearch(empty, 100));
        assertTrue(e.getMessage().contains(empty + ": no index here"), e.getMessage());
        var io = assertThrows(java.io.IOException.class, () -> LuceneIndex.openForSearch(tmp.resolve("nope"), 100));
        assertTrue(io.getMessage().contains("no such index folder"), io.getMessage());
    }
}
