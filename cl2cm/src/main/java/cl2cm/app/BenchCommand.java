package cl2cm.app;

import cl2cm.engine.autograd.GradMode;
import cl2cm.data.VisualBatch;
import cl2cm.engine.backend.Backend;
import cl2cm.engine.cuda.CudaBackend;
import cl2cm.engine.nn.Module;
import cl2cm.engine.nn.Parameter;
import cl2cm.engine.nn.bert.BertConfig;
import cl2cm.engine.optim.Adam;
import cl2cm.engine.optim.GradClip;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Rng;
import cl2cm.engine.tensor.Tensor;
import cl2cm.engine.tensor.TensorScope;
import cl2cm.config.Cl2cmConfig;
import cl2cm.train.Objectives;
import cl2cm.model.TextEncoder;
import cl2cm.model.TokenBatch;
import cl2cm.model.VisionEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Time CL2CM training steps on random data and print one JSON line with the median and minimum "
                + "milliseconds of a stage-1 step (CLN: InfoNCE tau 0.05 + 0.1 x OT, eps 0.1, 30 iterations) and a "
                + "stage-2 step (CMN: InfoNCE(V,S) + InfoNCE(V,T) + 1.0 x KD from the CLN without gradients); both "
                + "with backward, clipping at 2 and AdamW. The losses are the demo config's, computed by the same "
                + "code as training (cl2cm.train.Objectives).",
                "Presets: bench-small (vocab 8000, hidden 256, 4 layers, 4 heads, FFN 1024, length 32, projection 256; "
                        + "3x64x64 images through a 32-64-128-256 ConvNet, Linear 256->256; batch 64) and bench-base "
                        + "(mBERT-base-sized text encoders, projection 1024; 512-d features -> MLP 1024 -> 1024; "
                        + "batch 128).",
                "--encode times mBERT-base forward passes alone (no gradients; batch 32, length 32 unless --batch "
                        + "and --seq-len say otherwise) and prints tokens/s; --model DIR uses converted weights "
                        + "(bin/cl2cm data mbert), otherwise random ones of the same shape."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--preset", defaultValue = "bench-small", description = "bench-small or bench-base")
    String preset;

    @picocli.CommandLine.Mixin
    DeviceOptions device = new DeviceOptions();

    @Option(names = "--batch", description = "batch size (default: the preset's)")
    Integer batch;

    @Option(names = "--steps", defaultValue = "10", description = "timed steps per stage after 2 warm-up steps")
    int steps;

    @picocli.CommandLine.Mixin
    InstrumentOptions instruments = new InstrumentOptions();

    private cl2cm.engine.autograd.TraceRecorder recorder;

    @Option(names = "--memory-report", description = "after each stage, list where the tensor memory live at its "
            + "peak was allocated (slows the warm-up steps)")
    boolean memoryReport;

    @Option(names = "--encode", description = "time mBERT-base forward passes instead of training steps")
    boolean encode;

    @Option(names = "--matmul", description = "time the engine's float32 matmul of two N x N matrices instead (median "
            + "per product over samples of 10 products and one wait)")
    Integer matmul;

    @Option(names = "--model", description = "with --encode: a converted BERT folder (default: random mBERT-base)")
    java.nio.file.Path model;

    @Option(names = "--seq-len", description = "tokens per caption (default: 32; bench-base allows up to 512)")
    Integer seqLen;

    private record Preset(BertConfig text, int proj, int[] convChannels, int featureDim, int hidden, int embed,
                          int batch, int seqLen) {
    }

    /** The preset at {@code seqLen} tokens per caption (bench-small gets as many position embeddings). */
    private static Preset preset(String name, int seqLen) {
        return switch (name) {
            case "bench-small" -> new Preset(BertConfig.small(8000, 256, 4, 4, 1024, Math.max(32, seqLen), 0.1), 256,
                    new int[]{32, 64, 128, 256}, 0, 0, 256, 64, seqLen);
            case "bench-base" -> new Preset(new BertConfig(119547, 768, 12, 12, 3072, 512, 2, 0.1, 0.1, 1e-12, 0.02,
                    false, 0), 1024, null, 512, 1024, 1024, 128, seqLen);
            default -> throw new IllegalArgumentException("unknown preset '" + name + "' (bench-small, bench-base)");
        };
    }

    @Override
    public Integer call() throws java.io.IOException {
        if (encode) {
            return encode();
        }
        if (matmul != null) {
            return matmul(matmul);
        }
        Preset p = preset(preset, seqLen == null ? 32 : seqLen);
        if (p.seqLen() < 3 || p.seqLen() > p.text().maxPositionEmbeddings()) {
            throw new IllegalArgumentException("--seq-len must be between 3 and " + p.text().maxPositionEmbeddings()
                    + " for " + preset + ", not " + p.seqLen());
        }
        int b = batch == null ? p.batch() : batch;
        if (b < 2 || steps < 1) {
            throw new IllegalArgumentException("--batch must be at least 2 and --steps at least 1");
        }
        Backend be = device.backend();
        if (instruments.trace != null) {
            traceWindow();   // checked before anything runs
            recorder = new cl2cm.engine.autograd.TraceRecorder(() -> be.memoryStats().inUse());
        }
        Rng rng = new Rng(1);
        TextEncoder cln = new TextEncoder(p.text(), p.embed(), rng, DType.F32, be);
        TextEncoder cmnText = new TextEncoder(p.text(), p.embed(), rng, DType.F32, be);
        VisionEncoder vision = p.convChannels() != null
                ? VisionEncoder.convNet(p.convChannels(), p.embed(), rng, DType.F32, be)
                : VisionEncoder.features(p.featureDim(), p.hidden(), p.embed(), 0.2, rng, DType.F32, be);
        Group cmn = new Group(vision, cmnText);
        Adam clnOpt = adamW(cln);
        Adam cmnOpt = adamW(cmn);
        Rng data = new Rng(2);

        Cl2cmConfig.Loss losses = Cl2cmConfig.defaults().loss();
        // The host arrays the steps read, refilled before every step (outside the timing); a replayed CUDA graph
        // reads the same arrays again, so they are filled in place.
        TokenBatch pairs = TokenBatch.empty(2 * b, p.seqLen());
        int[] visualShape = p.convChannels() != null ? new int[]{b, 3, 64, 64} : new int[]{b, p.featureDim()};
        float[] visual = new float[Arrays.stream(visualShape).reduce(1, (x, y) -> x * y)];
        Timing s1 = timeStage("stage 1", be, clnOpt, () -> fillTokens(data, pairs, p.text().vocabSize()),
                () -> update(cln, clnOpt, Objectives.total(Objectives.crossLingual(cln, pairs, losses))));
        Timing s2 = timeStage("stage 2", be, cmnOpt, () -> {
            fillTokens(data, pairs, p.text().vocabSize());
            for (int i = 0; i < visual.length; i++) {
                visual[i] = (float) data.nextGaussian();
            }
        }, () -> update(cmn, cmnOpt, Objectives.total(Objectives.crossModal(vision, cmnText, cln,
                VisualBatch.of(Tensor.of(visual, be, visualShape)), pairs, losses.lambdaKd(), losses))));
        System.out.printf("{\"preset\": \"%s\", \"device\": \"%s\", \"batch\": %d, \"seq_len\": %d, "
                        + "\"threads\": %d, \"cuda_graph\": %s, \"stage1\": %s, \"stage2\": %s}%n", preset,
                device.describe(be), b, p.seqLen(), cl2cm.engine.cpu.Parallel.threads(),
                device.replayPlan(be).recorded(), s1.json(), s2.json());
        if (recorder != null) {
            recorder.write(instruments.trace);
            System.err.printf("trace: %d events (steps %s of each stage) -> %s%n", recorder.size(),
                    instruments.traceSteps, instruments.trace);
        }
        return 0;
    }

    private static final int PRODUCTS_PER_SAMPLE = 10;

    /** N x N x N float32 GEMM through the engine's matmul op (on CUDA: cuBLAS behind the Tensor API). */
    private int matmul(int n) {
        Backend be = device.backend();
        if (instruments.trace != null) {
            traceWindow();   // checked before anything runs
            recorder = new cl2cm.engine.autograd.TraceRecorder(() -> be.memoryStats().inUse());
        }
        Rng rng = new Rng(1);
        Tensor x = TensorScope.persistent(() -> rng.normal(0, 1, DType.F32, be, n, n));
        Tensor y = TensorScope.persistent(() -> rng.normal(0, 1, DType.F32, be, n, n));
        // Each sample is PRODUCTS_PER_SAMPLE products and one wait: the wait (a device-to-host copy) is not the
        // product's cost, and one per product would be a large share of a 0.4 ms TF32 product.
        double[] ms = time(() -> {
            Tensor z = null;
            for (int i = 0; i < PRODUCTS_PER_SAMPLE; i++) {
                z = x.matmul(y);
            }
            return z.narrow(0, 0, 1).narrow(1, 0, 1).item(); // waits for the products
        });
        double med = median(ms) / PRODUCTS_PER_SAMPLE;
        System.out.printf("{\"matmul\": %d, \"device\": \"%s\", \"median_ms\": %.3f, \"gflops\": %.1f}%n", n,
                device.describe(be), med, 2.0 * n * n * n / med / 1e6);
        return 0;
    }

    /** mBERT-base inference throughput: token states for batch x seqLen tokens per pass. */
    private int encode() throws java.io.IOException {
        int b = batch == null ? 32 : batch;
        int len = seqLen == null ? 32 : seqLen;
        Backend be = device.backend();
        cl2cm.engine.nn.bert.BertModel bert = cl2cm.engine.tensor.TensorScope.persistent(() -> {
            try {
                return model != null ? cl2cm.engine.nn.bert.PretrainedBert.load(model, DType.F32, be)
                        : new cl2cm.engine.nn.bert.BertModel(BertConfig.mbertBase(), new Rng(1), DType.F32, be);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        bert.eval();
        Rng data = new Rng(2);
        double[] ms = time(() -> {
            try (var g = GradMode.disabled()) {
                TokenBatch t = TokenBatch.empty(b, len);
                fillTokens(data, t, bert.config().vocabSize());
                Tensor m = Tensor.of(t.mask(), be, b, len);
                return bert.forward(t.ids(), b, len, m, null).lastHiddenState().sum().item();
            }
        });
        double med = median(ms);
        System.out.printf("{\"mode\": \"encode\", \"model\": \"%s\", \"device\": \"%s\", \"batch\": %d, "
                        + "\"seq_len\": %d, \"threads\": %d, \"median_ms\": %.1f, \"tokens_per_s\": %.0f}%n",
                model == null ? "random mBERT-base" : model, device.describe(be), b, len,
                cl2cm.engine.cpu.Parallel.threads(), med, b * len / (med / 1000));
        return 0;
    }

    /** Two modules trained together. */
    private static final class Group extends Module {
        Group(Module vision, Module text) {
            registerModule("vision", vision);
            registerModule("text", text);
        }
    }

    private static Adam adamW(Module m) {
        Map<String, Parameter> params = new LinkedHashMap<>(m.namedParameters());
        return Adam.adamW(params, 1e-4, 0.9, 0.999, 1e-8, 0.01);
    }

    /** Backward, clipping and the device half of the AdamW step; returns the loss (read after the step has run). */
    private static Tensor update(Module m, Adam opt, Tensor loss) {
        m.zeroGrad();
        loss.backward();
        GradClip.clipGlobalNorm(m.trainableParameters(), 2.0);
        opt.applyStep();
        return loss;
    }

    /**
     * Random ids written into {@code into} (all rows {@code seqLen} long): each row [CLS] + random tokens + [SEP]
     * with a random length between half and full, then padding.
     */
    private static void fillTokens(Rng rng, TokenBatch into, int vocab) {
        int len = into.seqLen();
        java.util.List<int[]> rows = new java.util.ArrayList<>(into.size());
        for (int i = 0; i < into.size(); i++) {
            int[] r = new int[len / 2 + rng.nextInt(len - len / 2 + 1)];
            for (int j = 0; j < r.length; j++) {
                r[j] = j == 0 ? 101 % vocab : j == r.length - 1 ? 102 % vocab : 103 + rng.nextInt(vocab - 103);
            }
            rows.add(r);
        }
        into.fill(rows, 0);
    }

    private interface Step {
        double run();
    }

    /**
     * Median and minimum step times, the peak memory held by tensors in MiB, and the FLOPs of the step's matrix
     * products ({@link cl2cm.engine.autograd.ProductFlops}) with the rate they ran at in the median step.
     */
    private record Timing(double medianMs, double minMs, double peakMiB, long productFlops) {
        String json() {
            return String.format("{\"median_ms\": %.1f, \"min_ms\": %.1f%s, \"gflop\": %.1f, \"tflops\": %.2f}",
                    medianMs, minMs, peakMiB < 0 ? "" : String.format(", \"peak_mib\": %.0f", peakMiB),
                    productFlops / 1e9, productFlops / (medianMs * 1e-3) / 1e12);
        }
    }

    /**
     * Times a training step: {@code fill} writes the next batch into the host arrays (not timed), then the step
     * runs: replayed as a CUDA graph unless --eager (the first two runs, eager and recording, are warm-up).
     */
    private Timing timeStage(String name, Backend be, Adam opt, Runnable fill, java.util.function.Supplier<Tensor> body) {
        be.resetPeakMemory();
        if (memoryReport) {
            cl2cm.engine.tensor.MemoryProfile.start();
        }
        double[] ms;
        cl2cm.engine.autograd.ProductFlops[] flops = {null};
        try (cl2cm.engine.backend.ReplayableStep step = device.replayPlan(be).step(be, name, body)) {
            ms = time(fill, () -> {
                opt.prepareStep();
                if (flops[0] == null) {   // the first warm-up run, eager on every backend: its ops are counted
                    double[] loss = new double[1];
                    flops[0] = cl2cm.engine.autograd.ProductFlops.count(() -> loss[0] = step.run().item());
                    return loss[0];
                }
                return step.run().item();
            });
        }
        double peak = be.memoryStats().peakMiB();
        if (memoryReport) {
            // Storages made before the stage (parameters, the other stage's state) are not charged; the peak is.
            System.out.printf("%s: tensor memory at its peak by allocation site (MiB, storages):%n", name);
            cl2cm.engine.tensor.MemoryProfile.stop().stream().limit(15).forEach(site -> System.out.printf(
                    "%10.1f %6d  %s%n", site.bytes() / 1048576.0, site.count(), site.where()));
        }
        if (instruments.profile && !(be instanceof CudaBackend)) {
            cl2cm.engine.autograd.OpProfiler ops = new cl2cm.engine.autograd.OpProfiler();
            double[] profiled;
            int[] run = {0};
            try (var h = cl2cm.engine.autograd.OpHook.add(ops)) {
                profiled = time(fill, () -> {
                    if (run[0]++ == 2) {
                        ops.reset();   // the two warm-up steps are not counted
                    }
                    opt.prepareStep();
                    ops.mark();
                    return body.get().item();
                });
            }
            System.out.printf("%s, ops by time (%d profiled steps after 2 warm-up, each charged from the previous "
                    + "op's end):%n%s", name, steps, ops.table(25, steps,
                    Arrays.stream(profiled).average().orElse(0)));
        }
        if (recorder != null) {
            StepWindow window = traceWindow();
            int[] run = {-2};
            if (be instanceof CudaBackend cuda) {
                cuda.startProfiling();   // the kernels, for the trace's GPU track
            }
            try (var h = cl2cm.engine.autograd.OpHook.add(recorder)) {
                time(fill, () -> {
                    boolean kept = window.contains(run[0] + 1);
                    run[0]++;
                    opt.prepareStep();
                    if (kept) {
                        recorder.beginStep(name + " step " + run[0]);
                    }
                    double loss = body.get().item();
                    if (kept) {
                        recorder.endStep();
                    }
                    return loss;
                });
            } finally {
                if (be instanceof CudaBackend cuda) {
                    recorder.addTrack("GPU stream (" + name + ")", "kernel", cuda.stopProfiling().timeline().stream()
                            .map(l -> new cl2cm.engine.autograd.TraceRecorder.Span(l.name(), l.startNanos(),
                                    l.endNanos())).toList());
                }
            }
        }
        if (instruments.profile && be instanceof CudaBackend cuda) {
            cuda.startProfiling();
            time(fill, () -> {
                opt.prepareStep();
                return body.get().item();
            });
            System.out.printf("%s, kernels by GPU time (%d profiled eager steps after 2 warm-up):%n%s", name, steps,
                    cuda.stopProfiling().table(25, steps + 2));
        }
        return new Timing(median(ms), Arrays.stream(ms).min().orElse(0), peak, flops[0].total());
    }

    /** --trace-steps, checked before anything runs. */
    private StepWindow traceWindow() {
        return instruments.window(steps);
    }

    private double[] time(Step step) {
        return time(() -> { }, step);
    }

    private double[] time(Runnable fill, Step step) {
        double[] ms = new double[steps];
        for (int i = -2; i < steps; i++) {
            fill.run();
            long t0 = System.nanoTime();
            try (TensorScope scope = TensorScope.open("bench step")) {
                double loss = step.run();
                if (!Double.isFinite(loss)) {
                    throw new ArithmeticException("benchmark loss is " + loss);
                }
            }
            if (i >= 0) {
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        return ms;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
