package cl2cm.app.data;

import cl2cm.app.RunFolder;
import cl2cm.data.Dataset;
import cl2cm.data.Split;
import cl2cm.data.io.NrccrLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "features", mixinStandardHelpOptions = true,
        description = "Encode every image of a dataset once with the vision encoder of a trained run and write the "
                + "vectors as BigFile folders (shape.txt, id.txt, feature.bin), one per split, under "
                + "<root>/<collection>/FeatureData/ (or --out).")
final class DataFeatures implements Callable<Integer> {
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
