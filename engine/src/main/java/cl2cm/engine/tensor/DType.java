package cl2cm.engine.tensor;

/**
 * Element types. Models train in {@link #F32}; {@link #F64} exists so that gradients can be checked by finite
 * differences and so that every fast float32 kernel has a simple double-precision reference to be tested against.
 */
public enum DType {
    F32(4, "F32"),
    F64(8, "F64");

    private final int bytes;
    private final String safetensorsName;

    DType(int bytes, String safetensorsName) {
        this.bytes = bytes;
        this.safetensorsName = safetensorsName;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** The dtype string the safetensors format uses. */
    public String safetensorsName() {
        return safetensorsName;
    }
}
