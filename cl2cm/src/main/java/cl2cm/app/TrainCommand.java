package cl2cm.app;

import cl2cm.config.Cl2cmConfig;
import cl2cm.eval.Retrieval;
import cl2cm.model.Networks;
import cl2cm.train.Experiment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train CL2CM from a config: stage 1 (cross-lingual network), then stage 2 (cross-modal network "
                + "with distillation weight loss.lambdaKd; 0 trains the baseline). Saves config.json, vocab.txt, a "
                + "checkpoint per epoch, the best weights, "
                + "history.jsonl and report.html in --out.")
final class TrainCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    TrainingOptions training;

    @Option(names = "--out", required = true, description = "run folder")
    Path out;

    @Option(names = "--name", description = "name of the stage-2 model (default: ${DEFAULT-VALUE})", defaultValue = "cl2cm")
    String name;

    @Override
    public Integer call() throws Exception {
        // Everything is checked (config, device, data) before the run folder is claimed and written.
        Cl2cmConfig cfg = training.loadConfig();
        cl2cm.engine.backend.Backend be = training.device.backend();
        Experiment ex = Experiment.prepare(cfg, be, System.out).replay(training.replayPlan(be));
        training.checkInstruments();
        try (RunLock lock = TrainingFolder.claim(out, cfg, training.resume, training.overwrite);
             var anomaly = training.anomalyMode(out);
             TrainingInstruments instruments = training.instruments(be, out, System.out)) {
            cfg.save(out.resolve("config.json"));
            ex.saveVocab(out.resolve("vocab.txt"));
            int status = train(cfg, ex.listen(RunReport.updater(out, System.out)).listen(instruments));
            RunReport.tryWrite(out, true, System.out);
            return status;
        }
    }

    private int train(Cl2cmConfig cfg, Experiment ex) throws Exception {
        if (cfg.stage2().epochs() == 0) { // the cross-lingual network alone
            Networks.CrossLingual cln = ex.trainCln(out, training.resume);
            Retrieval.Metrics m = ex.evalCln(cln, ex.split("test"));
            System.out.printf("CLN on test (%s <-> %s): R@1 %.1f / %.1f, R@5 %.1f / %.1f, mR %.2f%n",
                    cfg.data().source(), cfg.data().translationTag(), m.r1T2v(), m.r1V2t(), m.r5T2v(), m.r5V2t(),
                    m.mR());
            return 0;
        }
        Networks.CrossLingual cln = cfg.loss().lambdaKd() > 0 ? ex.trainCln(out, training.resume) : null;
        Networks.CrossModal cmn = ex.trainCmn(out, name, cln, cfg.loss().lambdaKd(), training.resume);
        Retrieval.Metrics m = ex.evalCmn(cmn, ex.split("val"), cfg.data().target());
        System.out.printf("%s on val with human %s queries: mR %.2f (R@1 t2v %.1f, v2t %.1f)%n", name,
                cfg.data().target(), m.mR(), m.r1T2v(), m.r1V2t());
        return 0;
    }
}
