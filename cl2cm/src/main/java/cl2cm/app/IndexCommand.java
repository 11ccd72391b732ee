package cl2cm.app;

import cl2cm.data.Split;
import cl2cm.engine.backend.Backend;
import cl2cm.engine.io.AtomicFile;
import cl2cm.model.Networks;
import cl2cm.search.Entry;
import cl2cm.search.IndexIdentity;
import cl2cm.search.VectorIndex;
import cl2cm.search.lucene.HnswParams;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import javax.imageio.ImageIO;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "index", mixinStandardHelpOptions = true,
        description = "Encode a gallery with a run's vision tower and write it to an index: an embedded Lucene HNSW "
                + "index in a folder (--out), or a SolrCloud collection (--solr, --collection). Adding is "
                + "incremental: items already in the index are skipped, so an interrupted build continues.")
final class IndexCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, description = "run folder (from demo or train)")
    Path run;

    @Option(names = "--model", defaultValue = "cl2cm", description = "cl2cm or baseline (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--split", defaultValue = "test", description = "the gallery: train, val, test or all "
            + "(default: ${DEFAULT-VALUE})")
    String split;

    @Mixin
    IndexLocation location;

    @Option(names = "--out", paramLabel = "DIR", description = "the Lucene index folder (same as --index)")
    Path out;

    @Option(names = "--images", paramLabel = "DIR", description = "where the gallery's pictures are written, one PNG "
            + "per item, for the search page (default: <index>/pictures; with --solr none unless given)")
    Path images;

    @Option(names = "--overwrite", description = "replace an existing index (of any model) instead of adding to it")
    boolean overwrite;

    @Option(names = "--batch", defaultValue = "1024", description = "items encoded and added per step; a commit "
            + "follows every 16 steps (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--hnsw-m", defaultValue = "16", description = "HNSW neighbours per node (default: ${DEFAULT-VALUE})")
    int hnswM;

    @Option(names = "--hnsw-beam", defaultValue = "100", description = "HNSW build beam width (default: ${DEFAULT-VALUE})")
    int hnswBeam;

    @Option(names = "--shards", defaultValue = "2", description = "SolrCloud: shards of a new collection (default: ${DEFAULT-VALUE})")
    int shards;

    @Option(names = "--replicas", defaultValue = "2", description = "SolrCloud: replicas per shard of a new collection "
            + "(default: ${DEFAULT-VALUE})")
    int replicas;

    @Mixin
    DeviceOptions device;

    @Override
    public Integer call() throws Exception {
        if (out != null) {
            if (location.folder != null && !location.folder.equals(out)) {
                throw new IllegalArgumentException("--out and --index name different folders; give one");
            }
            location.folder = out;
        }
        location.check(true, "--out");
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be at least 1, not " + batch);
        }
        List<String> splits = switch (split) {
            case "train", "val", "test" -> List.of(split);
            case "all" -> List.of("train", "val", "test");
            default -> throw new IllegalArgumentException("--split must be train, val, test or all, not '" + split + "'");
        };
        HnswParams params = new HnswParams(hnswM, hnswBeam, location.ef);
        Backend be = device.backend();
        RunFolder rf = RunFolder.open(run, System.err, be);
        IndexIdentity identity = rf.identity(model);
        Networks.CrossModal cmn = rf.crossModal(model);
        Path pictures = images != null ? images.toAbsolutePath()
                : location.folder != null ? location.folder.toAbsolutePath().resolve("pictures") : null;

        int d = identity.dimensions();
        long t0 = System.nanoTime();
        int added = 0;
        int skipped = 0;
        try (VectorIndex index = location.openForWriting(identity, params, shards, replicas, overwrite)) {
            Set<String> present = overwrite ? new HashSet<>() : index.ids();
            Set<String> seen = new HashSet<>();
            for (String name : splits) {
                Split s = rf.experiment.split(name).split();
                List<Integer> todo = new ArrayList<>();
                for (int i = 0; i < s.size(); i++) {
                    String id = s.ids().get(i);
                    if (!seen.add(id)) {
                        throw new IllegalArgumentException("item id '" + id + "' occurs twice in the gallery (split "
                                + name + "); ids must be unique to be indexed");
                    }
                    if (present.contains(id)) {
                        skipped++;
                    } else {
                        todo.add(i);
                    }
                }
                if (pictures != null && s.images() != null) {
                    Files.createDirectories(pictures);
                }
                try (ProgressBar bar = new ProgressBarBuilder().setTaskName("index " + name)
                        .setInitialMax(todo.size()).setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
                        .build()) {
                    int steps = 0;
                    for (int from = 0; from < todo.size(); from += batch) {
                        int[] idx = todo.subList(from, Math.min(todo.size(), from + batch)).stream()
                                .mapToInt(Integer::intValue).toArray();
                        float[] emb = rf.experiment.encodeImages(cmn, s, idx).toFloatArray();
                        List<Entry> entries = new ArrayList<>(idx.length);
                        for (int j = 0; j < idx.length; j++) {
                            String id = s.ids().get(idx[j]);
                            String picture = null;
                            if (pictures != null && s.images() != null) {
                                Path file = pictures.resolve(pictureFile(id));
                                var img = s.images().picture(idx[j]);
                                AtomicFile.write(file, o -> ImageIO.write(img, "png", o));
                                picture = location.folder != null && file.startsWith(location.folder.toAbsolutePath())
                                        ? location.folder.toAbsolutePath().relativize(file).toString()
                                        : file.toString();
                            }
                            entries.add(new Entry(id, java.util.Arrays.copyOfRange(emb, j * d, (j + 1) * d), picture));
                        }
                        index.add(entries);
                        added += entries.size();
                        bar.stepBy(entries.size());
                        if (++steps % 16 == 0) {
                            index.commit();
                        }
                    }
                }
                index.commit();
            }
            System.out.printf("%s: %d items added, %d already there, %d in all; model %s of %s; %.1f s%n",
                    location.describe(), added, skipped, index.size(), model, run, (System.nanoTime() - t0) / 1e9);
            if (pictures != null) {
                System.out.println("pictures: " + pictures);
            } else if (location.solr != null) {
                System.out.println("pictures: not kept (give --images DIR for the search page to show them)");
            }
        }
        return 0;
    }

    /** A safe file name for an item's picture: the id where it is plain, else its plain part and a hash. */
    static String pictureFile(String id) {
        String plain = id.replaceAll("[^A-Za-z0-9._-]", "_");
        if (plain.equals(id) && !id.startsWith(".")) {
            return id + ".png";
        }
        String hash = Integer.toHexString(java.util.Arrays.hashCode(id.getBytes(StandardCharsets.UTF_8)));
        return plain.replaceFirst("^\\.+", "_") + "-" + hash + ".png";
    }
}
