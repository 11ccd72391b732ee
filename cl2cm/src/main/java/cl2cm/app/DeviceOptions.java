package cl2cm.app;

import cl2cm.engine.backend.Backend;
import cl2cm.engine.backend.Devices;
import cl2cm.engine.cuda.CudaBackend;
import picocli.CommandLine.Option;

/** Where computation runs: --device cpu|cuda and, on CUDA, the GEMM precision. */
final class DeviceOptions {
    @Option(names = "--device", defaultValue = "cpu", description = "cpu or cuda (GPU 0) (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--precision", defaultValue = "fp32", description = "CUDA matrix products: fp32, or tf32 on "
            + "tensor cores (default: ${DEFAULT-VALUE})")
    String precision;

    @Option(names = "--eager", description = "CUDA: run every training step op by op instead of recording it once as "
            + "a CUDA graph and replaying it (replays: one launch per step; dropout masks then come from the replay "
            + "number, so results differ from step-by-step runs within seed noise)")
    boolean eager;

    Backend backend() {
        Backend be = Devices.byName(device);
        if (be instanceof CudaBackend cuda) {
            cuda.setPrecision(switch (precision) {
                case "fp32" -> CudaBackend.Precision.FP32;
                case "tf32" -> CudaBackend.Precision.TF32;
                default -> throw new IllegalArgumentException("--precision must be fp32 or tf32, not '" + precision + "'");
            });
        } else if (!precision.equals("fp32")) {
            throw new IllegalArgumentException("--precision " + precision + " needs --device cuda");
        }
        return be;
    }

    /** How training steps run: recorded once and replayed where the backend can (CUDA), unless --eager. */
    cl2cm.engine.backend.ReplayPlan replayPlan(Backend be) {
        return cl2cm.engine.backend.ReplayPlan.of(be).unless(eager, "--eager");
    }

    /** A short description for logs and JSON: "cpu" or "cuda (NVIDIA H100 80GB HBM3, tf32)". */
    String describe(Backend be) {
        return be instanceof CudaBackend cuda ? "cuda (" + cuda.deviceName() + ", " + precision + ")" : be.name();
    }
}
