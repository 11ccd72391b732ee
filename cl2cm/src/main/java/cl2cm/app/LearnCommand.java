package cl2cm.app;

import cl2cm.examples.AutogradTour;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "learn", mixinStandardHelpOptions = true,
        description = "Runnable stops of the guided tour in docs/learn.md. 'autograd': a small computation, its "
                + "gradients, one worked out by hand, all checked by finite differences "
                + "(source: cl2cm/src/main/java/cl2cm/examples/AutogradTour.java).")
final class LearnCommand implements Callable<Integer> {
    @Parameters(paramLabel = "STOP", description = "the tour stop to run: autograd")
    String stop;

    @Override
    public Integer call() {
        if (!stop.equals("autograd")) {
            throw new IllegalArgumentException("unknown tour stop '" + stop + "' (known: autograd)");
        }
        AutogradTour.run(System.out);
        return 0;
    }
}
