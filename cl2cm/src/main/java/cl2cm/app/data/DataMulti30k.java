package cl2cm.app.data;

import cl2cm.data.Dataset;
import cl2cm.data.io.Multi30kImporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "multi30k", mixinStandardHelpOptions = true,
        description = "Import the raw Multi30K task-1 release (train/val/test_2016_flickr .<lang>.gz and "
                + ".images.txt, e.g. ../shared/data/multi30k) into <root>/multi30k. Images are not part of the "
                + "release; the captions are written with the image names as visual ids.")
final class DataMulti30k implements Callable<Integer> {
    @Option(names = "--raw", required = true, description = "folder with the release files")
    Path raw;

    @Option(names = "--root", required = true, description = "dataset root folder")
    Path root;

    @Option(names = "--languages", split = ",", defaultValue = "en,de", description = "(default: ${DEFAULT-VALUE})")
    List<String> languages;

    @picocli.CommandLine.Mixin
    OverwriteOption overwrite = new OverwriteOption();

    @Override
    public Integer call() throws Exception {
        Dataset ds = Multi30kImporter.read(raw, languages);
        overwrite.writeDataset(ds, root);
        ds.splits().values().forEach(s -> System.out.printf("%s: %d images%n", s.name(), s.size()));
        return 0;
    }
}
