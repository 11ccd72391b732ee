package cl2cm.app.data;

import cl2cm.data.Dataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "emoji", mixinStandardHelpOptions = true,
        description = "Import emoji pictures with their human CLDR names into <root>/emoji, from the npm tarballs "
                + "of emoji-datasource-google@16.0.0 and cldr-annotations-full@48.2.0 (fetch both with: npm pack "
                + "emoji-datasource-google@16.0.0 cldr-annotations-full@48.2.0).")
final class DataEmoji implements Callable<Integer> {
    @Option(names = "--images", required = true, description = "emoji-datasource-google-16.0.0.tgz")
    Path images;

    @Option(names = "--names", required = true, description = "cldr-annotations-full-48.2.0.tgz")
    Path names;

    @picocli.CommandLine.Mixin
    PictureImportOptions options = new PictureImportOptions();

    @picocli.CommandLine.Mixin
    OverwriteOption overwrite = new OverwriteOption();

    @Override
    public Integer call() throws Exception {
        cl2cm.data.io.EmojiImporter.Report[] report = new cl2cm.data.io.EmojiImporter.Report[1];
        Dataset ds = cl2cm.data.io.EmojiImporter.read(images, names, options.size, options.languages, report);
        overwrite.writeDataset(ds, options.root);
        System.out.printf("wrote %s/%s: %d emoji (%d without an English CLDR name skipped)%n", options.root,
                ds.collection(), report[0].emoji(), report[0].withoutEnglishName());
        DataCommand.printSplits(ds, report[0].captionsPerTag());
        return 0;
    }
}
