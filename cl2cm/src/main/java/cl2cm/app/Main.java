package cl2cm.app;

import cl2cm.app.data.DataCommand;
import cl2cm.app.inspect.InspectCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cl2cm} command line. */
@Command(name = "cl2cm", mixinStandardHelpOptions = true, version = "cl2cm-java 0.1.0",
        description = "A from-scratch deep-learning stack in Java, and CL2CM cross-lingual cross-modal retrieval on it.",
        subcommands = {DemoCommand.class, TrainCommand.class, EvalCommand.class, SearchCommand.class, IndexCommand.class, ServeCommand.class,
                LoadTestCommand.class, ExportCommand.class,
                BenchCommand.class, AnalyzeCommand.class, DataCommand.class,
                SpiralsCommand.class, TokenizeCommand.class, LearnCommand.class, InspectCommand.class, ReportCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Lucene announces its Vector API set-up at INFO; the CLI keeps standard error for what matters. */
    private static final java.util.logging.Logger QUIET_LUCENE = java.util.logging.Logger.getLogger("org.apache.lucene");

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the CLI. Every failure prints one line, "cl2cm COMMAND: what went wrong", naming the file, line, field or
     * tensor at fault, and exits with 1; {@code CL2CM_DEBUG=1} adds the stack trace.
     */
    public static int run(String... args) {
        QUIET_LUCENE.setLevel(java.util.logging.Level.WARNING);
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("cl2cm " + cmd.getCommandName() + ": " + describe(ex));
            if (System.getenv("CL2CM_DEBUG") != null) {
                ex.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return cli.execute(args);
    }

    /** One line for an exception: user errors by their message, file-system errors in words, bugs by their type. */
    static String describe(Throwable ex) {
        Throwable e = ex instanceof java.io.UncheckedIOException u ? u.getCause() : ex;
        String msg = switch (e) {
            case java.nio.file.NoSuchFileException f -> f.getFile() + ": no such file or folder"
                    + (f.getReason() == null ? "" : " (" + f.getReason() + ")");
            case java.nio.file.AccessDeniedException f -> f.getFile() + ": permission denied";
            case java.nio.file.FileAlreadyExistsException f -> f.getFile() + ": exists already";
            case java.nio.file.NotDirectoryException f -> f.getFile() + ": not a folder";
            case java.nio.file.FileSystemException f -> (f.getFile() == null ? "" : f.getFile() + ": ")
                    + (f.getReason() == null ? "file-system error" : f.getReason());
            case java.util.zip.ZipException z -> "not a valid gzip or zip file: " + z.getMessage();
            case IllegalArgumentException u -> u.getMessage();
            case IllegalStateException u -> u.getMessage();
            case java.io.IOException u -> u.getMessage();
            case ArithmeticException u -> u.getMessage();
            case cl2cm.engine.cuda.CudaError u -> u.getMessage();
            case OutOfMemoryError o -> "out of memory (" + o.getMessage() + "); give the JVM more with "
                    + "JAVA_OPTS=-Xmx<size>, or use a smaller batch";
            default -> "internal error: " + e + " (CL2CM_DEBUG=1 shows where)";
        };
        if (e.getMessage() != null && e.getMessage().contains("No space left on device")) {
            msg += " (the disk is full; files being written were left as they were)";
        }
        return escapeControls(String.valueOf(msg));
    }

    /** Control characters (from file contents or names) escaped, so a message stays one readable line. */
    static String escapeControls(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                sb.append(c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r" : String.format("\\u%04x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }
}
