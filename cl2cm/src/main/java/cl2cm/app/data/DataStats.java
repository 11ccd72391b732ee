package cl2cm.app.data;

import cl2cm.data.Caption;
import cl2cm.data.Dataset;
import cl2cm.data.Split;
import cl2cm.data.io.NrccrLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

@Command(name = "stats", aliases = "inspect", mixinStandardHelpOptions = true,
        description = "Print a dataset summary: items and captions per split and tag, vocabulary size, caption "
                + "length histogram and examples.")
final class DataStats implements Callable<Integer> {
    @Option(names = "--root", required = true, description = "dataset root folder")
    Path root;

    @Option(names = "--collection", required = true, description = "e.g. synthscenes or multi30k")
    String collection;

    @Option(names = "--sheet", description = "also write a contact sheet PNG: sample test images with their "
            + "captions in every language")
    Path sheet;

    @Option(names = "--samples", defaultValue = "12", description = "images on the contact sheet "
            + "(default: ${DEFAULT-VALUE})")
    int samples;

    @Override
    public Integer call() throws Exception {
        Dataset ds = NrccrLayout.read(root, collection, sheet == null ? NrccrLayout.Visuals.NONE
                : NrccrLayout.Visuals.IMAGES, 96);
        if (sheet != null) {
            writeSheet(ds);
        }
        for (Split s : ds.splits().values()) {
            System.out.printf("%s: %d items%n", s.name(), s.size());
            for (String tag : s.tags()) {
                List<Caption> caps = s.captions(tag);
                Set<String> vocab = new HashSet<>();
                TreeMap<Integer, Integer> lengths = new TreeMap<>();
                for (Caption c : caps) {
                    String[] words = c.text().split("\\s+");
                    vocab.addAll(List.of(words));
                    lengths.merge(Math.min(words.length / 5 * 5, 40), 1, Integer::sum);
                }
                StringBuilder hist = new StringBuilder();
                lengths.forEach((k, v) -> hist.append(String.format(" %d-%s:%d", k, k == 40 ? "" : k + 4, v)));
                System.out.printf("  %-6s %6d captions, %6d distinct words, words per caption%s%n", tag,
                        caps.size(), vocab.size(), hist);
                System.out.printf("         e.g. \"%s\"%n", caps.get(0).text());
            }
        }
        return 0;
    }

    /** Evenly spaced test items, each with its first caption of every tag. */
    private void writeSheet(Dataset ds) throws java.io.IOException {
        Split s = ds.split(ds.splits().containsKey("test") ? "test" : ds.splits().keySet().iterator().next());
        if (s.images() == null) {
            throw new IllegalArgumentException(collection + " has no images for a contact sheet");
        }
        List<cl2cm.data.ContactSheet.Cell> cells = new java.util.ArrayList<>();
        int n = Math.min(samples, s.size());
        for (int j = 0; j < n; j++) {
            int i = (int) ((long) j * s.size() / n);
            String id = s.ids().get(i);
            List<String> lines = new java.util.ArrayList<>();
            for (String tag : new java.util.TreeSet<>(s.tags())) {
                s.captions(tag).stream().filter(c -> c.visualId().equals(id)).findFirst()
                        .ifPresent(c -> lines.add(tag + ": " + c.text()));
            }
            cells.add(new cl2cm.data.ContactSheet.Cell(s.images().picture(i), lines));
        }
        cl2cm.data.ContactSheet.write(sheet, collection + " " + s.name() + ": " + n + " of " + s.size()
                + " items", cells, 4, 160);
        System.out.println("contact sheet: " + sheet);
    }
}
