package cl2cm.app.data;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** Options every picture-set importer takes (data tuxpaint, data emoji). */
final class PictureImportOptions {
    @Option(names = "--root", required = true, description = "dataset root folder")
    Path root;

    @Option(names = "--languages", split = ",", defaultValue = "de,fr,es,cs,ja,zh",
            description = "target languages to keep (default: ${DEFAULT-VALUE})")
    List<String> languages;

    @Option(names = "--image-size", defaultValue = "64", description = "pixels per side (default: ${DEFAULT-VALUE})")
    int size;
}
