package cl2cm.app;

import cl2cm.engine.io.SafeTensors;
import cl2cm.engine.tensor.Tensor;
import cl2cm.model.Networks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write the gallery embeddings of a split (one unit vector per image, rows in split order, ids "
                + "in the metadata) to a safetensors file, so a gallery is encoded once.")
final class ExportCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "output .safetensors file")
    Path out;

    @Option(names = "--overwrite", description = "replace --out if it exists (never a file of the run folder)")
    boolean overwrite;

    @picocli.CommandLine.Mixin
    ModelOptions opts;

    @Override
    public Integer call() throws Exception {
        Path target = out.toAbsolutePath().normalize();
        if (Files.isDirectory(target)) {
            throw new java.io.IOException(out + ": --out is a folder; give a .safetensors file name");
        }
        if (Files.exists(target) && target.getParent().equals(opts.run().toAbsolutePath().normalize())) {
            throw new java.io.IOException(out + ": is a file of the run folder " + opts.run + "; export elsewhere");
        }
        if (Files.exists(target) && !overwrite) {
            throw new java.io.IOException(out + ": exists; add --overwrite to replace it");
        }
        RunFolder rf = opts.open();
        Networks.CrossModal cmn = opts.load(rf);
        var s = rf.experiment.split(opts.split).split();
        Tensor emb = rf.experiment.encodeImages(cmn, s);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("ids", String.join(" ", s.ids()));
        meta.put("model", opts.model);
        meta.put("split", opts.split);
        SafeTensors.write(out, Map.of("embeddings", emb), meta);
        System.out.printf("%d x %d embeddings -> %s%n", emb.size(0), emb.size(1), out);
        return 0;
    }
}
