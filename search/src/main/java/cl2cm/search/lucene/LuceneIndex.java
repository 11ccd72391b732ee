package cl2cm.search.lucene;

import cl2cm.search.Entry;
import cl2cm.search.Hit;
import cl2cm.search.IndexIdentity;
import cl2cm.search.IndexMismatchException;
import cl2cm.search.VectorIndex;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.FilterCodec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexNotFoundException;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The embedded index: an Apache Lucene index in a folder, one document per gallery item with its id (indexed),
 * where its picture is (stored) and its embedding in an HNSW graph ({@link KnnFloatVectorField}). Embeddings are
 * unit vectors, so cosine similarity is Lucene's dot-product similarity, whose score (1 + cos) / 2 is mapped back
 * to the cosine. The model's {@link IndexIdentity} lives in every commit's user data, so a folder always says which
 * model its vectors belong to, and additions from another model are refused.
 *
 * <p>Crash safety is Lucene's: a commit is atomic (a new segments_N file names the complete set of segments), so a
 * killed build leaves the last commit intact and the next build skips the ids that commit holds.
 */
public final class LuceneIndex implements VectorIndex {
    static final String ID = "id";
    static final String PICTURE = "picture";
    static final String VECTOR = "vector";

    private final Path folder;
    private final Directory directory;
    private final IndexIdentity identity;
    private final HnswParams params;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final ExecutorService mergeWorkers;

    private LuceneIndex(Path folder, Directory directory, IndexIdentity identity, HnswParams params,
                        IndexWriter writer, SearcherManager searchers, ExecutorService mergeWorkers) {
        this.folder = folder;
        this.directory = directory;
        this.identity = identity;
        this.params = params;
        this.writer = writer;
        this.searchers = searchers;
        this.mergeWorkers = mergeWorkers;
    }

    /** Whether {@code folder} holds a Lucene index (of any model). */
    public static boolean exists(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return false;
        }
        try (Directory dir = FSDirectory.open(folder)) {
            return DirectoryReader.indexExists(dir);
        }
    }

    /** The identity recorded in {@code folder}'s last commit. */
    public static IndexIdentity readIdentity(Path folder) throws IOException {
        try (Directory dir = FSDirectory.open(folder)) {
            return identityOf(dir, folder);
        }
    }

    private static IndexIdentity identityOf(Directory dir, Path folder) throws IOException {
        try {
            return IndexIdentity.fromMap(SegmentInfos.readLatestCommit(dir).getUserData(), folder.toString());
        } catch (IndexNotFoundException e) {
            throw new IndexMismatchException(folder + ": no index here (build one with 'cl2cm index')");
        }
    }

    /** Opens {@code folder} for searching only. */
    public static LuceneIndex openForSearch(Path folder, int ef) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IOException(folder + ": no such index folder (build one with 'cl2cm index')");
        }
        Directory dir = FSDirectory.open(folder);
        try {
            IndexIdentity id = identityOf(dir, folder);
            SearcherManager sm = new SearcherManager(dir, null);
            return new LuceneIndex(folder, dir, id, HnswParams.DEFAULT.withEf(ef), null, sm, null);
        } catch (IOException | RuntimeException e) {
            dir.close();
            throw e;
        }
    }

    /**
     * Opens {@code folder} for adding {@code identity}'s embeddings: creates the index if there is none, continues
     * an index of the same model, replaces any index when {@code overwrite} (atomically, at the first commit) and
     * refuses an index of another model otherwise.
     */
    public static LuceneIndex openForWriting(Path folder, IndexIdentity identity, HnswParams params,
                                             boolean overwrite) throws IOException {
        requireIndexFolder(folder);
        Files.createDirectories(folder);
        Directory dir = FSDirectory.open(folder);
        ExecutorService workers = null;
        try {
            boolean existing = DirectoryReader.indexExists(dir);
            if (existing && !overwrite) {
                identityOf(dir, folder).requireSameModel(identity, folder.toString());
            }
            int threads = Runtime.getRuntime().availableProcessors();
            if (threads > 1) {
                workers = Executors.newFixedThreadPool(threads, r -> {
                    Thread t = new Thread(r, "hnsw-merge");
                    t.setDaemon(true);
                    return t;
                });
            }
            KnnVectorsFormat hnsw = workers == null
                    ? new Lucene99HnswVectorsFormat(params.maxConn(), params.beamWidth())
                    : new Lucene99HnswVectorsFormat(params.maxConn(), params.beamWidth(), threads, workers);
            IndexWriterConfig cfg = new IndexWriterConfig()
                    .setOpenMode(overwrite ? IndexWriterConfig.OpenMode.CREATE : IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                    .setCodec(withVectorFormat(hnsw))
                    // fewer, larger segments: each segment is searched separately, so fewer means faster queries
                    .setRAMBufferSizeMB(512);
            IndexWriter w = new IndexWriter(dir, cfg);
            w.setLiveCommitData(identity.toMap().entrySet());
            SearcherManager sm = new SearcherManager(w, null);
            return new LuceneIndex(folder, dir, identity, params, w, sm, workers);
        } catch (IOException | RuntimeException e) {
            if (workers != null) {
                workers.shutdownNow();
            }
            dir.close();
            throw e;
        }
    }

    /**
     * Refuses a folder that holds anything but an index (Lucene's files, the default pictures folder), so that an
     * index is never written among, or over, someone's other files.
     */
    private static void requireIndexFolder(Path folder) throws IOException {
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new IOException(folder + ": is a file; the index needs a folder");
        }
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (var entries = Files.list(folder)) {
            for (Path p : entries.toList()) {
                String name = p.getFileName().toString();
                if (!(name.startsWith("segments") || name.startsWith("_") || name.equals("write.lock")
                        || name.equals("pictures") || name.startsWith("pending_segments"))) {
                    throw new IOException(folder + ": holds '" + name + "', which is not part of an index; give "
                            + "an empty or new folder");
                }
            }
        }
    }

    /** The default codec with our HNSW parameters for every vector field (read back by the default codec). */
    private static Codec withVectorFormat(KnnVectorsFormat hnsw) {
        Codec base = Codec.getDefault();
        KnnVectorsFormat perField = new PerFieldKnnVectorsFormat() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                return hnsw;
            }
        };
        return new FilterCodec(base.getName(), base) {
            @Override
            public KnnVectorsFormat knnVectorsFormat() {
                return perField;
            }
        };
    }

    public Path folder() {
        return folder;
    }

    public HnswParams params() {
        return params;
    }

    @Override
    public IndexIdentity identity() {
        return identity;
    }

    @Override
    public long size() throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            return s.getIndexReader().numDocs();
        } finally {
            searchers.release(s);
        }
    }

    @Override
    public List<Hit> search(float[] query, int k) throws IOException {
        VectorIndex.checkK(k);
        VectorIndex.checkVector(query, identity.dimensions(), "query");
        // explore max(k, ef) candidates, keep the best k: ef is the recall knob independent of k
        int candidates = Math.max(k, params.ef());
        IndexSearcher s = searchers.acquire();
        try {
            TopDocs top = s.search(new KnnFloatVectorQuery(VECTOR, query, candidates), candidates);
            var stored = s.storedFields();
            List<Hit> hits = new ArrayList<>(Math.min(k, top.scoreDocs.length));
            for (ScoreDoc sd : top.scoreDocs) {
                if (hits.size() == k) {
                    break;
                }
                Document d = stored.document(sd.doc, Set.of(ID, PICTURE));
                hits.add(new Hit(d.get(ID), 2 * sd.score - 1, d.get(PICTURE)));
            }
            return hits;
        } finally {
            searchers.release(s);
        }
    }

    @Override
    public Optional<String> picture(String id) throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            TopDocs top = s.search(new TermQuery(new Term(ID, id)), 1);
            if (top.scoreDocs.length == 0) {
                return Optional.empty();
            }
            return Optional.ofNullable(s.storedFields().document(top.scoreDocs[0].doc, Set.of(PICTURE)).get(PICTURE));
        } finally {
            searchers.release(s);
        }
    }

    @Override
    public Set<String> ids() throws IOException {
        Set<String> out = new HashSet<>();
        IndexSearcher s = searchers.acquire();
        try {
            for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
                Terms terms = leaf.reader().terms(ID);
                if (terms == null) {
                    continue;
                }
                var live = leaf.reader().getLiveDocs();
                TermsEnum te = terms.iterator();
                for (BytesRef t = te.next(); t != null; t = te.next()) {
                    var postings = te.postings(null);
                    for (int doc = postings.nextDoc(); doc != org.apache.lucene.search.DocIdSetIterator.NO_MORE_DOCS;
                         doc = postings.nextDoc()) {
                        if (live == null || live.get(doc)) {
                            out.add(t.utf8ToString());
                            break;
                        }
                    }
                }
            }
            return out;
        } finally {
            searchers.release(s);
        }
    }

    @Override
    public void add(List<Entry> entries) throws IOException {
        IndexWriter w = requireWriter();
        for (Entry e : entries) {
            VectorIndex.checkVector(e.vector(), identity.dimensions(), "item '" + e.id() + "'");
            Document d = new Document();
            d.add(new StringField(ID, e.id(), Field.Store.YES));
            if (e.picture() != null) {
                d.add(new StoredField(PICTURE, e.picture()));
            }
            d.add(new KnnFloatVectorField(VECTOR, e.vector(), VectorSimilarityFunction.DOT_PRODUCT));
            w.updateDocument(new Term(ID, e.id()), d);
        }
    }

    @Override
    public void commit() throws IOException {
        IndexWriter w = requireWriter();
        w.setLiveCommitData(identity.toMap().entrySet());
        w.commit();
        searchers.maybeRefreshBlocking();
    }

    /** Merges the index into one segment (one HNSW graph): slower to build, fastest to search. */
    public void forceMerge() throws IOException {
        requireWriter().forceMerge(1);
        commit();
    }

    /** Segments searched per query (each has its own HNSW graph). */
    public int segments() throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            return s.getIndexReader().leaves().size();
        } finally {
            searchers.release(s);
        }
    }

    private IndexWriter requireWriter() {
        if (writer == null) {
            throw new IllegalStateException(folder + ": opened for searching only");
        }
        return writer;
    }

    /** Closes without committing what was added since the last commit (a crash loses the same). */
    @Override
    public void close() throws IOException {
        try {
            searchers.close();
            if (writer != null) {
                writer.rollback();
            }
        } finally {
            if (mergeWorkers != null) {
                mergeWorkers.shutdownNow();
            }
            directory.close();
        }
    }

    /** The identity recorded in a commit, for tests and tools. */
    static Map<String, String> commitData(Path folder) throws IOException {
        try (Directory dir = FSDirectory.open(folder)) {
            return SegmentInfos.readLatestCommit(dir).getUserData();
        }
    }
}
