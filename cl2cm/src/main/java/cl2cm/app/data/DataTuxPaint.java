package cl2cm.app.data;

import cl2cm.data.Dataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "tuxpaint", mixinStandardHelpOptions = true,
        description = "Import the Tux Paint stamps (Debian tuxpaint-stamps-default: PNG pictures with English "
                + "descriptions and human translations) into <root>/tuxpaint: images letterboxed on white and "
                + "resized, captions tagged en, de, fr, ..., splits by SHA-1 of the stamp id (70/10/20).")
final class DataTuxPaint implements Callable<Integer> {
    @Option(names = "--stamps", description = "stamps folder (default: /usr/share/tuxpaint/stamps)")
    Path stamps;

    @picocli.CommandLine.Mixin
    PictureImportOptions options = new PictureImportOptions();

    @picocli.CommandLine.Mixin
    OverwriteOption overwrite = new OverwriteOption();

    @Override
    public Integer call() throws Exception {
        cl2cm.data.io.TuxPaintImporter.Report[] report = new cl2cm.data.io.TuxPaintImporter.Report[1];
        Dataset ds = cl2cm.data.io.TuxPaintImporter.read(
                stamps != null ? stamps : cl2cm.data.io.TuxPaintImporter.DEFAULT_STAMPS, options.size,
                options.languages, report);
        overwrite.writeDataset(ds, options.root);
        System.out.printf("wrote %s/%s: %d stamps (%d PNGs without a description skipped)%n", options.root,
                ds.collection(), report[0].stamps(), report[0].skippedWithoutDescription());
        DataCommand.printSplits(ds, report[0].captionsPerTag());
        return 0;
    }
}
