package cl2cm.engine.cuda;

/** A CUDA failure, with the op and shapes that caused it. */
public final class CudaError extends RuntimeException {
    public CudaError(String message) {
        super(message);
    }

    public CudaError(String message, Throwable cause) {
        super(message, cause);
    }
}
