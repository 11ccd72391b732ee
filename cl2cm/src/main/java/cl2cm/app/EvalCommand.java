package cl2cm.app;

import cl2cm.eval.Retrieval;
import cl2cm.model.Networks;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a trained model of a run folder: text-to-visual and visual-to-text R@1/5/10, mR and "
                + "median ranks, with the captions of one tag as queries (default: the human target-language captions).")
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--queries", description = "caption tag used as queries, e.g. de, en, en2de (default: the target language)")
    String queries;

    @picocli.CommandLine.Mixin
    ModelOptions opts;

    @Override
    public Integer call() throws Exception {
        RunFolder rf = opts.open();
        Networks.CrossModal cmn = opts.load(rf);
        String tag = queries == null ? rf.config.data().target() : queries;
        Retrieval.Metrics m = rf.experiment.evalCmn(cmn, rf.experiment.split(opts.split), tag);
        System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(m.toMap()));
        return 0;
    }
}
