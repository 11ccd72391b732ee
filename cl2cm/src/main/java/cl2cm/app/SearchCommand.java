package cl2cm.app;

import cl2cm.data.Caption;
import cl2cm.data.ContactSheet;
import cl2cm.data.Split;
import cl2cm.search.ExactScan;
import cl2cm.search.Hit;
import cl2cm.search.IndexIdentity;
import cl2cm.search.VectorIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Find the pictures that best match a caption in any language the model was trained on: in a "
                + "run's split (exact scan) or in an index (--index, --solr). Prints the top k with their English "
                + "captions and writes a contact sheet PNG.")
final class SearchCommand implements Callable<Integer> {
    @Option(names = "--query", required = true, description = "the caption, e.g. \"ein roter Kreis links von einem blauen Stern\"")
    String query;

    @Option(names = "--top", defaultValue = "8", description = "how many results (default: ${DEFAULT-VALUE})")
    int top;

    @Option(names = "--sheet", description = "contact sheet PNG (default: <run>/search.png)")
    Path sheet;

    @Mixin
    ModelOptions opts;

    @Mixin
    IndexLocation location;

    @Override
    public Integer call() throws Exception {
        if (top < 1 || top > VectorIndex.MAX_K) {
            throw new IllegalArgumentException("--top must be at least 1 and at most " + VectorIndex.MAX_K + ", not " + top);
        }
        if (query.isBlank()) {
            throw new IllegalArgumentException("--query is empty: give a caption to search for");
        }
        location.check(false, "--index");
        if (!location.given() && opts.run == null) {
            throw new IllegalArgumentException("give --run DIR (search a split of the run) or --index DIR / --solr "
                    + "(search an index)");
        }
        RunFolder rf;
        List<Hit> hits;
        String model;
        if (location.given()) {
            try (VectorIndex index = location.openForSearch()) {
                IndexIdentity id = index.identity();
                rf = RunFolder.openFor(id, opts.run, location.describe());
                model = id.model();
                hits = index.search(new RunQueryEncoder(rf, model).encode(query, null).vector(), top);
            }
        } else {
            rf = opts.open();
            model = opts.model;
            Split s = rf.experiment.split(opts.split).split();
            ExactScan scan = ExactScan.of(rf.identity(model), s.ids(),
                    rf.experiment.encodeImages(rf.crossModal(model), s).toFloatArray(), null);
            hits = scan.search(new RunQueryEncoder(rf, model).encode(query, null).vector(), top);
        }
        System.out.printf("query: %s%n", query);
        List<ContactSheet.Cell> cells = new ArrayList<>();
        for (int r = 0; r < hits.size(); r++) {
            Hit h = hits.get(r);
            System.out.printf("%2d. %s  %.3f  %s%n", r + 1, h.id(), h.score(), caption(rf, h.id()));
            BufferedImage img = picture(rf, h);
            if (img != null) {
                cells.add(new ContactSheet.Cell(img, List.of((r + 1) + ". " + h.id())));
            }
        }
        if (cells.isEmpty()) {
            System.out.println("(no contact sheet: no result has a picture)");
            return 0;
        }
        Path out = sheet != null ? sheet : rf.dir.resolve("search.png");
        if (cl2cm.data.Fonts.missing() != null) {   // the results are out; the sheet is a bonus
            System.out.println("(no contact sheet: " + cl2cm.data.Fonts.missing() + ")");
            return 0;
        }
        ContactSheet.write(out, query, cells, cells.size(), 128);
        System.out.println("contact sheet: " + out);
        return 0;
    }

    /** The split of the run that holds item {@code id}, or null (an index may hold items of another gallery). */
    private static Split splitOf(RunFolder rf, String id) {
        for (String name : List.of("test", "val", "train")) {
            Split s = rf.experiment.split(name).split();
            if (s.contains(id)) {
                return s;
            }
        }
        return null;
    }

    /** The first source-language caption of item {@code id} in the run, or "". */
    private static String caption(RunFolder rf, String id) {
        Split s = splitOf(rf, id);
        return s == null ? "" : s.captions(rf.config.data().source()).stream().filter(c -> c.visualId().equals(id))
                .findFirst().map(Caption::text).orElse("");
    }

    /** The hit's picture: the file the index names, else the run's own copy, else null. */
    private BufferedImage picture(RunFolder rf, Hit h) throws java.io.IOException {
        if (h.picture() != null && !h.picture().startsWith("http")) {
            Path file = location.pictureBase().resolve(h.picture());
            if (Files.isRegularFile(file)) {
                return ImageIO.read(file.toFile());
            }
        }
        Split s = splitOf(rf, h.id());
        return s == null || s.images() == null ? null : s.images().picture(s.indexOf(h.id()));
    }
}
