package cl2cm.engine.backend;

import cl2cm.engine.cpu.CpuBackend;

/** Finds backends by name: {@code cpu} now; {@code cuda} joins when the CUDA backend lands. */
public final class Devices {
    private Devices() {
    }

    public static Backend cpu() {
        return CpuBackend.INSTANCE;
    }

    public static Backend byName(String name) {
        return switch (name) {
            case "cpu" -> cpu();
            default -> throw new IllegalArgumentException("unknown device '" + name + "' (known: cpu)");
        };
    }
}
