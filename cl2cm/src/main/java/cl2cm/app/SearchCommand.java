package cl2cm.app;

import cl2cm.data.Split;
import cl2cm.engine.io.AtomicFile;
import cl2cm.engine.tensor.Tensor;
import cl2cm.model.Networks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Find the images of a split that best match a caption in any language the model was trained on; "
                + "prints the top k with their English captions and writes a contact sheet PNG.")
final class SearchCommand implements Callable<Integer> {
    @Option(names = "--query", required = true, description = "the caption, e.g. \"ein roter Kreis links von einem blauen Stern\"")
    String query;

    @Option(names = "--top", defaultValue = "8", description = "how many results (default: ${DEFAULT-VALUE})")
    int top;

    @Option(names = "--sheet", description = "contact sheet PNG (default: <run>/search.png)")
    Path sheet;

    @picocli.CommandLine.Mixin
    ModelOptions opts;

    @Override
    public Integer call() throws Exception {
        if (top < 1) {
            throw new IllegalArgumentException("--top must be at least 1, not " + top);
        }
        if (query.isBlank()) {
            throw new IllegalArgumentException("--query is empty: give a caption to search for");
        }
        RunFolder rf = opts.open();
        if (!rf.experiment.knowsAnyWordOf(query)) {
            throw new IllegalArgumentException("no word of the query \"" + query + "\" is in the model's vocabulary "
                    + "(every token would be [UNK]), so every image would score the same; try words from the "
                    + "training captions' languages");
        }
        Networks.CrossModal cmn = opts.load(rf);
        Split s = rf.experiment.split(opts.split).split();
        Tensor images = rf.experiment.encodeImages(cmn, s);
        Tensor q = rf.experiment.encodeQueries(cmn.text, List.of(query));
        double[] sim = q.matmul(images.mT()).toDoubleArray();
        Integer[] order = new Integer[sim.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(sim[b], sim[a]));
        int k = Math.min(top, order.length);
        System.out.printf("query: %s%n", query);
        for (int r = 0; r < k; r++) {
            int i = order[r];
            String id = s.ids().get(i);
            String caption = s.captions(rf.config.data().source()).stream().filter(c -> c.visualId().equals(id))
                    .findFirst().map(c -> c.text()).orElse("");
            System.out.printf("%2d. %s  %.3f  %s%n", r + 1, id, sim[i], caption);
        }
        if (s.images() == null) {
            System.out.println("(no contact sheet: this run's visual input is feature vectors, not pictures)");
            return 0;
        }
        Path out = sheet == null ? opts.run.resolve("search.png") : sheet;
        writeSheet(out, s, order, k, query);
        System.out.println("contact sheet: " + out);
        return 0;
    }

    private static void writeSheet(Path out, Split s, Integer[] order, int k, String query) throws Exception {
        java.util.List<cl2cm.data.ContactSheet.Cell> cells = new java.util.ArrayList<>();
        for (int r = 0; r < k; r++) {
            cells.add(new cl2cm.data.ContactSheet.Cell(s.images().picture(order[r]),
                    java.util.List.of((r + 1) + ". " + s.ids().get(order[r]))));
        }
        cl2cm.data.ContactSheet.write(out, query, cells, k, 128);
    }
}
