package cl2cm.app.data;

import cl2cm.data.Dataset;
import picocli.CommandLine.Command;

/** The {@code data} command: one class per subcommand in this package; shared helpers here. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Datasets in the NRCCR layout (generate the built-in one; import Multi30K, Tux Paint and emoji; "
                + "machine-translate captions; statistics and contact sheets; feature extraction) and the mBERT "
                + "import.",
        subcommands = {DataSynth.class, DataMulti30k.class, DataStats.class,
                DataTuxPaint.class, DataEmoji.class, DataTranslate.class,
                DataFeatures.class, DataMbert.class, DataBertSubset.class})
public final class DataCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Images per split and captions per tag of an imported dataset. */
    static void printSplits(Dataset ds, java.util.Map<String, Integer> captionsPerTag) {
        ds.splits().values().forEach(s -> System.out.printf("  %s: %d images%n", s.name(), s.size()));
        System.out.println("  captions per tag: " + captionsPerTag);
    }
}
