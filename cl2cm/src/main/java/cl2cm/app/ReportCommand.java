package cl2cm.app;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Writes <run>/report.html, one self-contained page (opens offline): test results per seed, "
                + "loss curves per term and stage, gradient norms, update ratios, validation mR per epoch, a 2-D "
                + "projection of image and caption embeddings per model, and retrieval examples with pictures.",
                "train and demo write it too (the curves after every epoch, all of it at the end); this command "
                        + "rewrites it, e.g. for a run that was interrupted."})
final class ReportCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, description = "run folder (from demo or train)")
    Path run;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(run)) {
            throw new java.io.IOException(run + ": no such run folder");
        }
        if (cl2cm.data.Fonts.missing() != null) {
            throw new IllegalStateException("the report's charts cannot be drawn: " + cl2cm.data.Fonts.missing());
        }
        System.out.println("report: " + RunReport.write(run, true, System.err));
        return 0;
    }
}
