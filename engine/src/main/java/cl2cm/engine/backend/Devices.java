package cl2cm.engine.backend;

import cl2cm.engine.cpu.CpuBackend;
import cl2cm.engine.cuda.CudaBackend;

/** Finds backends by name: {@code cpu}, and {@code cuda} (GPU 0) where a GPU and its driver are present. */
public final class Devices {
    private Devices() {
    }

    public static Backend cpu() {
        return CpuBackend.INSTANCE;
    }

    public static Backend byName(String name) {
        return switch (name) {
            case "cpu" -> cpu();
            case "cuda" -> CudaBackend.instance();
            default -> throw new IllegalArgumentException("unknown device '" + name + "' (known: cpu, cuda)");
        };
    }
}
