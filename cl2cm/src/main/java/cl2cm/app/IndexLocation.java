package cl2cm.app;

import cl2cm.search.IndexIdentity;
import cl2cm.search.VectorIndex;
import cl2cm.search.lucene.HnswParams;
import cl2cm.search.lucene.LuceneIndex;
import cl2cm.search.solr.SolrIndex;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a gallery index lives, for index, search and serve: an embedded Lucene folder ({@code --index DIR}) or a
 * SolrCloud collection ({@code --solr URL[,URL...] --collection NAME}).
 */
final class IndexLocation {
    @Option(names = "--index", paramLabel = "DIR", description = "an embedded Lucene index folder (from 'cl2cm index')")
    Path folder;

    @Option(names = "--solr", paramLabel = "URL[,URL...]", split = ",",
            description = "SolrCloud node URLs, e.g. http://localhost:8983/solr (several: any live one answers)")
    List<String> solr;

    @Option(names = "--collection", paramLabel = "NAME", description = "the SolrCloud collection (with --solr)")
    String collection;

    @Option(names = "--ef", defaultValue = "100", description = "HNSW search width: candidates explored per query "
            + "(higher: better recall, slower; default: ${DEFAULT-VALUE})")
    int ef;

    /** Whether an index was named at all. */
    boolean given() {
        return folder != null || solr != null;
    }

    /** Checks the combination of options; {@code required}: one of --index or --solr must be there. */
    void check(boolean required, String outOption) {
        if (folder != null && solr != null) {
            throw new IllegalArgumentException(outOption + " and --solr both given; choose one index");
        }
        if (required && !given()) {
            throw new IllegalArgumentException("no index given: " + outOption + " DIR (embedded Lucene) or "
                    + "--solr URL --collection NAME (SolrCloud)");
        }
        if (solr != null && (collection == null || collection.isBlank())) {
            throw new IllegalArgumentException("--solr needs --collection NAME");
        }
        if (solr == null && collection != null) {
            throw new IllegalArgumentException("--collection goes with --solr");
        }
        if (ef < 1 || ef > 10_000) {
            throw new IllegalArgumentException("--ef must be between 1 and 10000, not " + ef);
        }
    }

    VectorIndex openForSearch() throws IOException {
        return folder != null ? LuceneIndex.openForSearch(folder, ef) : SolrIndex.openForSearch(solr, collection, ef);
    }

    VectorIndex openForWriting(IndexIdentity identity, HnswParams params, int shards, int replicas, boolean overwrite)
            throws IOException {
        return folder != null ? LuceneIndex.openForWriting(folder, identity, params, overwrite)
                : SolrIndex.openForWriting(solr, collection, identity, shards, replicas, params, overwrite);
    }

    /** Where relative picture paths stored in the index start: the index folder (SolrCloud: the working folder). */
    Path pictureBase() {
        return folder != null ? folder.toAbsolutePath() : Path.of("").toAbsolutePath();
    }

    String describe() {
        return folder != null ? folder + " (Lucene HNSW)"
                : "Solr collection '" + collection + "' at " + String.join(",", solr);
    }
}
