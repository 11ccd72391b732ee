package cl2cm.app.data;

import cl2cm.data.Dataset;
import cl2cm.data.synth.SyntheticScenes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "synth", aliases = "shapes", mixinStandardHelpOptions = true,
        description = "Write the built-in synthetic multilingual scenes (captions in en, de, fr, cs, es; "
                + "pseudo-translations tagged en2xx; PNG images) to <root>/synthscenes.")
final class DataSynth implements Callable<Integer> {
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

    @picocli.CommandLine.Mixin
    OverwriteOption overwrite = new OverwriteOption();

    @Override
    public Integer call() throws Exception {
        SyntheticScenes.Config c = new SyntheticScenes.Config(train, val, test, size, List.of("de", "fr", "cs", "es"),
                noise, 0.75, seed);
        Dataset ds = SyntheticScenes.generate(c);
        overwrite.writeDataset(ds, root);
        System.out.printf("wrote %s/%s: %d/%d/%d images%n", root, ds.collection(), train, val, test);
        return 0;
    }
}
