package cl2cm.engine.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * The numeric device address behind a JCuda pointer, for tables of addresses that kernels read (multi-tensor ops)
 * and for libraries called through java.lang.foreign (cuBLASLt).
 * JCuda keeps the address and byte offset in protected fields; a subclass copy may read its own.
 */
final class DeviceAddress extends CUdeviceptr {
    private DeviceAddress(CUdeviceptr p) {
        super(p, 0);
    }

    static long of(CUdeviceptr p) {
        DeviceAddress a = new DeviceAddress(p);
        return a.getNativePointer() + a.getByteOffset();
    }

    /** The native handle of a stream (for libraries called through java.lang.foreign). */
    static long of(jcuda.driver.CUstream s) {
        return new StreamHandle(s).address();
    }

    private static final class StreamHandle extends jcuda.driver.CUstream {
        StreamHandle(jcuda.driver.CUstream s) {
            super(new jcuda.runtime.cudaStream_t(s));
        }

        long address() {
            return getNativePointer();
        }
    }
}
