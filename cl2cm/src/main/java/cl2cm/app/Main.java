package cl2cm.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cl2cm} command line. */
@Command(name = "cl2cm", mixinStandardHelpOptions = true, version = "cl2cm-java 0.1.0",
        description = "A from-scratch deep-learning stack in Java, and CL2CM cross-lingual cross-modal retrieval on it.",
        subcommands = {DemoCommand.class, TrainCommand.class, EvalCommand.class, SearchCommand.class, ExportCommand.class,
                BenchCommand.class, AnalyzeCommand.class, DataCommand.class,
                SpiralsCommand.class, TokenizeCommand.class, LearnCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI; errors in user input print one clear line instead of a stack trace. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof java.io.IOException
                    || ex instanceof ArithmeticException || ex instanceof IllegalStateException
                    || ex instanceof cl2cm.engine.cuda.CudaError) {
                cmd.getErr().println("cl2cm " + cmd.getCommandName() + ": " + ex.getMessage());
                if (System.getenv("CL2CM_DEBUG") != null) {
                    ex.printStackTrace(cmd.getErr());
                }
                return 1;
            }
            throw ex;
        });
        return cli.execute(args);
    }
}
