package cl2cm.app.data;

import cl2cm.data.Caption;
import cl2cm.data.Dataset;
import cl2cm.data.Split;
import cl2cm.data.io.NrccrLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "translate", mixinStandardHelpOptions = true,
        description = "Machine-translate the source captions of every split into pseudo-parallel training captions "
                + "(tag <source>2<target>, e.g. en2es) with Apertium (en->es, en->ca, en->fr via es), caching "
                + "translations in TextData/.mt-cache; prints the MT quality against the human captions where "
                + "the dataset has them.")
final class DataTranslate implements Callable<Integer> {
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

    @picocli.CommandLine.Mixin
    OverwriteOption overwrite = new OverwriteOption();

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
            overwrite.refuseExisting(NrccrLayout.captionFile(root, collection, split.name(), tag), "translation");
        }
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
