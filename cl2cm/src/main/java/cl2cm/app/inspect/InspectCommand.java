package cl2cm.app.inspect;

import picocli.CommandLine.Command;

/** The {@code inspect} command: tools that show what a model computes; one class per subcommand in this package. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Look inside a model: its module tree and per-module forward cost (summary), and a training step's autograd graph as Graphviz DOT and SVG (graph).",
        subcommands = {InspectGraph.class, InspectSummary.class})
public final class InspectCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
