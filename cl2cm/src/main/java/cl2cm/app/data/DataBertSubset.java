package cl2cm.app.data;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "bert-subset", mixinStandardHelpOptions = true,
        description = "Cut a pre-trained BERT folder (e.g. the converted mBERT) down to the WordPiece entries that "
                + "some captions use: the same outputs for those captions, a much smaller file (mBERT's "
                + "vocabulary is half its weights). --float16 halves it again, for machines with an upload limit.")
final class DataBertSubset implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "the pre-trained BERT folder")
    Path model;

    @Option(names = "--captions", required = true, split = ",", description = "caption files or folders "
            + "(folders: every *.caption.txt below); NRCCR lines '<id>#<tag>#<k> caption' or plain lines")
    List<Path> captions;

    @Option(names = "--out", required = true, description = "output folder")
    Path out;

    @Option(names = "--float16", description = "store the weights as float16")
    boolean float16;

    @Option(names = "--lower", description = "lower-case before tokenizing (uncased vocabularies)")
    boolean lower;

    @picocli.CommandLine.Mixin
    OverwriteOption overwrite = new OverwriteOption();

    @Override
    public Integer call() throws Exception {
        overwrite.refuseExisting(out, "output folder");
        List<String> texts = new java.util.ArrayList<>();
        for (Path p : captions) {
            List<Path> files;
            if (java.nio.file.Files.isDirectory(p)) {
                try (java.util.stream.Stream<Path> walk = java.nio.file.Files.walk(p)) {
                    files = walk.filter(f -> f.getFileName().toString().endsWith(".caption.txt")).sorted().toList();
                }
            } else if (java.nio.file.Files.isRegularFile(p)) {
                files = List.of(p);
            } else {
                throw new IllegalArgumentException("--captions: " + p + " is neither a file nor a folder");
            }
            for (Path f : files) {
                for (String line : java.nio.file.Files.readAllLines(f)) {
                    String t = line.strip();
                    int space = t.indexOf(' ');
                    if (space > 0 && t.substring(0, space).contains("#")) {
                        t = t.substring(space + 1);   // NRCCR: drop "<id>#<tag>#<k>"
                    }
                    if (!t.isEmpty()) {
                        texts.add(t);
                    }
                }
            }
        }
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("--captions: no captions found in " + captions);
        }
        cl2cm.data.text.BertSubset.Result r = cl2cm.data.text.BertSubset.write(model, texts, lower, out, float16);
        System.out.printf("wrote %s: vocabulary %,d of %,d entries (used by %,d captions), %,d parameters, "
                        + "%.1f MB%s%n", out, r.kept(), r.original(), texts.size(), r.parameters(), r.bytes() / 1e6,
                float16 ? " (float16)" : "");
        return 0;
    }
}
