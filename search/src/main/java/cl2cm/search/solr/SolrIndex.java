package cl2cm.search.solr;

import cl2cm.search.Entry;
import cl2cm.search.Hit;
import cl2cm.search.IndexIdentity;
import cl2cm.search.IndexMismatchException;
import cl2cm.search.VectorIndex;
import cl2cm.search.lucene.HnswParams;
import org.apache.solr.client.solrj.SolrClient;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.client.solrj.SolrServerException;
import org.apache.solr.client.solrj.impl.CloudHttp2SolrClient;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.client.solrj.request.ConfigSetAdminRequest;
import org.apache.solr.client.solrj.response.QueryResponse;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrInputDocument;
import org.apache.solr.common.params.CursorMarkParams;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A gallery in a SolrCloud collection, for galleries that outgrow one machine: the collection is split into shards
 * (each its own Lucene index with its own HNSW graph, on some node) and each shard kept on several replicas, so a
 * node can fail and queries are still answered. The client talks HTTP to any of the given nodes; the cluster
 * routes additions to shard leaders and fans a query out to one replica of every shard, merging their top k.
 *
 * <p>The collection's schema is written by {@link #openForWriting} (a configset named after the embedding size
 * and HNSW shape, uploaded once) and the model's {@link IndexIdentity} is kept in one document without a vector,
 * so it never appears in results.
 */
public final class SolrIndex implements VectorIndex {
    static final String IDENTITY_DOC = "_cl2cm_identity_";
    private static final String NOT_IDENTITY = "-id:" + IDENTITY_DOC;

    private final SolrClient client;
    private final String collection;
    private final IndexIdentity identity;
    private final int ef;
    private final String where;

    private SolrIndex(SolrClient client, String collection, IndexIdentity identity, int ef, String where) {
        this.client = client;
        this.collection = collection;
        this.identity = identity;
        this.ef = ef;
        this.where = where;
    }

    /** A SolrJ call; SolrJ reports an unreachable cluster with unchecked exceptions, so they are caught too. */
    @FunctionalInterface
    interface SolrCall<T> {
        T run() throws IOException, SolrServerException;
    }

    static <T> T call(String where, SolrCall<T> c) throws IOException {
        try {
            return c.run();
        } catch (SolrServerException | org.apache.solr.common.SolrException e) {
            throw new IOException(where + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException || e instanceof IndexMismatchException) {
                throw e;
            }
            throw new IOException(where + ": " + e.getMessage(), e);
        }
    }

    /** A client for the cluster that any of {@code nodes} (e.g. "http://host:8983/solr") belongs to. */
    static SolrClient connect(List<String> nodes) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("--solr needs at least one node URL, e.g. http://localhost:8983/solr");
        }
        for (String n : nodes) {
            if (!n.startsWith("http://") && !n.startsWith("https://")) {
                throw new IllegalArgumentException("--solr: '" + n + "' is not an http(s) URL of a Solr node "
                        + "(e.g. http://localhost:8983/solr)");
            }
        }
        return new CloudHttp2SolrClient.Builder(nodes).build();
    }

    private static String where(List<String> nodes, String collection) {
        return "Solr collection '" + collection + "' at " + String.join(",", nodes);
    }

    /** Opens an existing collection for searching. */
    public static SolrIndex openForSearch(List<String> nodes, String collection, int ef) throws IOException {
        SolrClient client = connect(nodes);
        try {
            String where = where(nodes, collection);
            return new SolrIndex(client, collection, readIdentity(client, collection, where), ef, where);
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /**
     * Opens {@code collection} for adding {@code identity}'s embeddings: creates it ({@code shards} x
     * {@code replicas}) if it does not exist, continues it if it holds the same model, replaces it when
     * {@code overwrite}, refuses it otherwise.
     */
    public static SolrIndex openForWriting(List<String> nodes, String collection, IndexIdentity identity,
                                           int shards, int replicas, HnswParams params, boolean overwrite)
            throws IOException {
        if (shards < 1 || replicas < 1) {
            throw new IllegalArgumentException("--shards and --replicas must be at least 1");
        }
        SolrClient client = connect(nodes);
        String where = where(nodes, collection);
        try {
            boolean exists = collections(client, where).contains(collection);
            if (exists && !overwrite) {
                readIdentity(client, collection, where).requireSameModel(identity, where);
            } else {
                call(where, () -> {
                    if (exists) {
                        CollectionAdminRequest.deleteCollection(collection).process(client);
                    }
                    String config = uploadConfigset(client, identity.dimensions(), params);
                    CollectionAdminRequest.createCollection(collection, config, shards, replicas).process(client);
                    SolrInputDocument meta = new SolrInputDocument();
                    meta.addField("id", IDENTITY_DOC);
                    identity.toMap().forEach((k, v) -> meta.addField("meta_" + k, v));
                    client.add(collection, meta);
                    return client.commit(collection);
                });
            }
            return new SolrIndex(client, collection, identity, params.ef(), where);
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private static List<String> collections(SolrClient client, String where) throws IOException {
        return call(where, () -> CollectionAdminRequest.listCollections(client));
    }

    private static IndexIdentity readIdentity(SolrClient client, String collection, String where) throws IOException {
        if (!collections(client, where).contains(collection)) {
            throw new IndexMismatchException(where + ": no such collection (build one with 'cl2cm index "
                    + "--solr ... --collection " + collection + "')");
        }
        SolrDocument d = call(where, () -> client.getById(collection, IDENTITY_DOC));
        if (d == null) {
            throw new IndexMismatchException(where + ": not a cl2cm gallery (no identity document)");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String f : d.getFieldNames()) {
            if (f.startsWith("meta_")) {
                m.put(f.substring(5), String.valueOf(d.getFirstValue(f)));
            }
        }
        return IndexIdentity.fromMap(m, where);
    }

    /** Uploads (once) the configset for this embedding size and HNSW shape; returns its name. */
    private static String uploadConfigset(SolrClient client, int dims, HnswParams p)
            throws IOException, SolrServerException {
        String name = "cl2cm-d" + dims + "-m" + p.maxConn() + "-b" + p.beamWidth();
        if (new ConfigSetAdminRequest.List().process(client).getConfigSets().contains(name)) {
            return name;
        }
        String schema = resource("schema.xml").replace("@DIMENSIONS@", Integer.toString(dims))
                .replace("@M@", Integer.toString(p.maxConn())).replace("@BEAM@", Integer.toString(p.beamWidth()));
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(zip)) {
            z.putNextEntry(new ZipEntry("solrconfig.xml"));
            z.write(resource("solrconfig.xml").getBytes(StandardCharsets.UTF_8));
            z.putNextEntry(new ZipEntry("schema.xml"));
            z.write(schema.getBytes(StandardCharsets.UTF_8));
        }
        Path tmp = Files.createTempFile("cl2cm-configset", ".zip");
        try {
            Files.write(tmp, zip.toByteArray());
            ConfigSetAdminRequest.Upload up = new ConfigSetAdminRequest.Upload();
            up.setConfigSetName(name);
            up.setUploadFile(tmp.toFile(), "application/zip");
            up.process(client);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return name;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = SolrIndex.class.getResourceAsStream("/cl2cm/search/solr/" + name)) {
            if (in == null) {
                throw new IOException("resource cl2cm/search/solr/" + name + " missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public IndexIdentity identity() {
        return identity;
    }

    @Override
    public long size() throws IOException {
        SolrQuery q = new SolrQuery("*:*");
        q.addFilterQuery(NOT_IDENTITY);
        q.setRows(0);
        return query(q).getResults().getNumFound();
    }

    @Override
    public List<Hit> search(float[] query, int k) throws IOException {
        VectorIndex.checkK(k);
        VectorIndex.checkVector(query, identity.dimensions(), "query");
        StringBuilder v = new StringBuilder();
        for (int i = 0; i < query.length; i++) {
            v.append(i == 0 ? "[" : ",").append(query[i]);
        }
        v.append(']');
        // every shard returns its best max(k, ef) (the HNSW search width); the coordinator keeps the best k
        SolrQuery q = new SolrQuery("{!knn f=vector topK=" + Math.max(k, ef) + "}" + v);
        q.setRows(k);
        q.setFields("id", "picture", "score");
        List<Hit> hits = new ArrayList<>(k);
        for (SolrDocument d : query(q).getResults()) {
            float score = ((Number) d.getFirstValue("score")).floatValue();
            hits.add(new Hit((String) d.getFirstValue("id"), 2 * score - 1, (String) d.getFirstValue("picture")));
        }
        return hits;
    }

    @Override
    public Optional<String> picture(String id) throws IOException {
        if (id.equals(IDENTITY_DOC)) {
            return Optional.empty();
        }
        SolrDocument d = call(where, () -> client.getById(collection, id));
        return d == null ? Optional.empty() : Optional.ofNullable((String) d.getFirstValue("picture"));
    }

    @Override
    public Set<String> ids() throws IOException {
        Set<String> out = new HashSet<>();
        String cursor = CursorMarkParams.CURSOR_MARK_START;
        while (true) {
            SolrQuery q = new SolrQuery("*:*");
            q.addFilterQuery(NOT_IDENTITY);
            q.setFields("id");
            q.setRows(10_000);
            q.setSort("id", SolrQuery.ORDER.asc);
            q.set(CursorMarkParams.CURSOR_MARK_PARAM, cursor);
            QueryResponse r = query(q);
            r.getResults().forEach(d -> out.add((String) d.getFirstValue("id")));
            if (r.getNextCursorMark().equals(cursor)) {
                return out;
            }
            cursor = r.getNextCursorMark();
        }
    }

    @Override
    public void add(List<Entry> entries) throws IOException {
        List<SolrInputDocument> docs = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            VectorIndex.checkVector(e.vector(), identity.dimensions(), "item '" + e.id() + "'");
            if (e.id().equals(IDENTITY_DOC)) {
                throw new IllegalArgumentException("item id '" + IDENTITY_DOC + "' is reserved");
            }
            SolrInputDocument d = new SolrInputDocument();
            d.addField("id", e.id());
            List<Float> v = new ArrayList<>(e.vector().length);
            for (float x : e.vector()) {
                v.add(x);
            }
            d.addField("vector", v);
            if (e.picture() != null) {
                d.addField("picture", e.picture());
            }
            docs.add(d);
        }
        if (docs.isEmpty()) {
            return;
        }
        call(where, () -> client.add(collection, docs));
    }

    @Override
    public void commit() throws IOException {
        call(where, () -> client.commit(collection));
    }

    private QueryResponse query(SolrQuery q) throws IOException {
        return call(where, () -> client.query(collection, q));
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
