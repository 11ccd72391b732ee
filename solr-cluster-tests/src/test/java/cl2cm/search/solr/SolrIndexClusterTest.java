package cl2cm.search.solr;

import cl2cm.search.Entry;
import cl2cm.search.ExactScan;
import cl2cm.search.Galleries;
import cl2cm.search.Hit;
import cl2cm.search.IndexIdentity;
import cl2cm.search.IndexMismatchException;
import cl2cm.search.lucene.HnswParams;
import org.apache.solr.embedded.JettySolrRunner;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SolrIndex against a real SolrCloud cluster in this JVM: two Solr nodes and an embedded ZooKeeper
 * (MiniSolrCloudCluster), a collection of two shards with two replicas each. Indexes, searches (the results of the
 * exact scan), then stops a node and searches again (the other node's replicas answer), then restarts it.
 */
class SolrIndexClusterTest {
    @TempDir
    static Path base;

    static MiniSolrCloudCluster cluster;
    static List<String> nodes;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new MiniSolrCloudCluster.Builder(2, base).build();
        nodes = new ArrayList<>();
        for (JettySolrRunner j : cluster.getJettySolrRunners()) {
            nodes.add(j.getBaseUrl().toString());
        }
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.shutdown();
        }
    }

    static IndexIdentity identity(String weights, int dims) {
        return new IndexIdentity("/runs/solr-test", "cl2cm", weights.repeat(64), "b".repeat(64), dims);
    }

    @Test
    void shardedReplicatedGalleryAnswersLikeTheExactScanAndSurvivesANode() throws Exception {
        int dims = 16;
        IndexIdentity id = identity("a", dims);
        List<Entry> items = Galleries.clustered(300, dims, 5, 1);
        try (SolrIndex idx = SolrIndex.openForWriting(nodes, "gallery", id, 2, 2, HnswParams.DEFAULT, false)) {
            idx.add(items.subList(0, 200));
            idx.commit();
            idx.add(items.subList(200, 300));
            idx.commit();
            assertEquals(300, idx.size());
        }
        cluster.waitForActiveCollection("gallery", 2, 4);
        ExactScan scan = new ExactScan(id);
        scan.add(items);
        scan.commit();
        Random r = new Random(2);
        List<float[]> queries = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            queries.add(Galleries.randomUnit(r, dims));
        }
        List<List<Hit>> before = new ArrayList<>();
        try (SolrIndex idx = SolrIndex.openForSearch(nodes, "gallery", 200)) {
            assertEquals(id, idx.identity());
            for (float[] q : queries) {
                List<Hit> exact = scan.search(q, 10);
                List<Hit> got = idx.search(q, 10);
                assertEquals(ids(exact), ids(got));
                for (int j = 0; j < 10; j++) {
                    assertEquals(exact.get(j).score(), got.get(j).score(), 1e-5);
                }
                before.add(got);
            }
            assertEquals(Optional.of("pictures/item-7.png"), idx.picture("item-7"));
            assertEquals(Optional.empty(), idx.picture(SolrIndex.IDENTITY_DOC), "the identity is not an item");
        }

        // a build continues: ids already there are known; another model is refused
        try (SolrIndex idx = SolrIndex.openForWriting(nodes, "gallery", id, 2, 2, HnswParams.DEFAULT, false)) {
            assertEquals(300, idx.ids().size());
        }
        var e = assertThrows(IndexMismatchException.class,
                () -> SolrIndex.openForWriting(nodes, "gallery", identity("c", dims), 2, 2, HnswParams.DEFAULT, false));
        assertTrue(e.getMessage().contains("gallery") && e.getMessage().contains("built from another model"),
                e.getMessage());

        // one node down: the other node holds a replica of every shard and answers alone
        JettySolrRunner stopped = cluster.stopJettySolrRunner(0);
        cluster.waitForJettyToStop(stopped);
        try (SolrIndex idx = SolrIndex.openForSearch(nodes, "gallery", 200)) {
            for (int i = 0; i < queries.size(); i++) {
                assertEquals(ids(before.get(i)), ids(idx.search(queries.get(i), 10)), "query " + i + " with a node down");
            }
            assertEquals(300, idx.size());
        }
        cluster.startJettySolrRunner(stopped);
        cluster.waitForActiveCollection("gallery", 2, 4);
        try (SolrIndex idx = SolrIndex.openForSearch(nodes, "gallery", 200)) {
            assertEquals(ids(before.get(0)), ids(idx.search(queries.get(0), 10)), "after the restart");
        }
    }

    @Test
    void aMissingCollectionIsNamed() {
        var e = assertThrows(IndexMismatchException.class, () -> SolrIndex.openForSearch(nodes, "nothing", 100));
        assertTrue(e.getMessage().contains("'nothing'") && e.getMessage().contains("no such collection"), e.getMessage());
        var bad = assertThrows(IllegalArgumentException.class, () -> SolrIndex.openForSearch(List.of("localhost:8983"), "x", 10));
        assertTrue(bad.getMessage().contains("not an http(s) URL"), bad.getMessage());
    }

    private static List<String> ids(List<Hit> hits) {
        return hits.stream().map(Hit::id).toList();
    }
}
