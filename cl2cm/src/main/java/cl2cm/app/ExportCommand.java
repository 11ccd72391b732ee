package cl2cm.app;

import cl2cm.engine.io.SafeTensors;
import cl2cm.engine.tensor.Tensor;
import cl2cm.model.Networks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write the gallery embeddings of a split (one unit vector per image, rows in split order, ids "
                + "in the metadata) to a safetensors file, so a gallery is encoded once.")
final class ExportCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, description = "run folder")
    Path run;

    @Option(names = "--model", defaultValue = "cl2cm", description = "cl2cm or baseline (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--split", defaultValue = "test", description = "split (default: ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--out", required = true, description = "output .safetensors file")
    Path out;

    @Override
    public Integer call() throws Exception {
        RunFolder rf = RunFolder.open(run, System.err);
        Networks.CrossModal cmn = rf.crossModal(model);
        var s = rf.experiment.split(split).split();
        Tensor emb = rf.experiment.encodeImages(cmn, s);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("ids", String.join(" ", s.ids()));
        meta.put("model", model);
        meta.put("split", split);
        SafeTensors.write(out, Map.of("embeddings", emb), meta);
        System.out.printf("%d x %d embeddings -> %s%n", emb.size(0), emb.size(1), out);
        return 0;
    }
}
