package cl2cm.engine.backend;

import cl2cm.engine.tensor.Tensor;

import java.util.function.Supplier;

/**
 * A training step (forward, backward, clipping, optimizer update) run many times with the same shapes, made by
 * {@link Backend#replayable}. {@link #run()} runs it once more and returns what the body returned (e.g. the loss).
 *
 * <p>Backends without graphs simply call the body each time. The CUDA backend runs the body normally the first time
 * (a warm-up: optimizer state and cached memory get created), records it as a CUDA graph the second time, and from
 * then on launches the graph, one launch instead of hundreds, with no host work per op. A recorded body is not
 * re-run, so:
 * <ul>
 *   <li>every run has the same shapes;</li>
 *   <li>host data the step uploads (token ids, masks, pixels) is read again, before each replay, from the same Java
 *       arrays it was read from when recording: refill those arrays for the next batch instead of making new ones.
 *       Arrays the step derives from them are not recomputed: embeddings read their ids as given (padding skipped on
 *       the device), but cross-entropy turns its targets into positions when recorded, so its targets must stay the
 *       same (InfoNCE's diagonal labels do);</li>
 *   <li>values that change from step to step reach the kernels the same way: call
 *       {@link cl2cm.engine.optim.Optimizer#prepareStep()} before each run and
 *       {@link cl2cm.engine.optim.Optimizer#applyStep()} inside the body;</li>
 *   <li>the body must not read device values on the host ({@code item()}); read the result after {@code run()};</li>
 *   <li>dropout masks differ from replay to replay (the kernel mixes in the replay number), so a replayed step is
 *       not bit-identical to an eager one when dropout is on.</li>
 * </ul>
 * The tensor {@code run()} returns stays valid until the next run or {@link #close()}; do not release it.
 */
public interface ReplayableStep extends AutoCloseable {
    Tensor run();

    @Override
    void close();

    /** Runs the body every time. */
    final class Eager implements ReplayableStep {
        private final Supplier<Tensor> body;

        public Eager(Supplier<Tensor> body) {
            this.body = body;
        }

        @Override
        public Tensor run() {
            return body.get();
        }

        @Override
        public void close() {
        }
    }
}
