package cl2cm.engine.cpu;

import cl2cm.engine.backend.Backend;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Storage;

/** A Java array: float[] for F32, double[] for F64. Arrays never leave the CPU backend. */
final class CpuStorage extends Storage {
    private float[] f;
    private double[] d;

    CpuStorage(float[] data) {
        super(DType.F32, data.length);
        this.f = data;
        CpuMemory.live(4L * data.length);
    }

    CpuStorage(double[] data) {
        super(DType.F64, data.length);
        this.d = data;
        CpuMemory.live(8L * data.length);
    }

    /** A storage of numel elements, zero-filled or (for outputs a kernel overwrites completely) not. */
    static CpuStorage allocate(DType dtype, long numel, boolean zeroed) {
        if (numel > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("CPU tensors hold at most 2^31 - 9 elements; asked for " + numel);
        }
        return dtype == DType.F32 ? new CpuStorage(CpuMemory.floats((int) numel, zeroed))
                : new CpuStorage(CpuMemory.doubles((int) numel, zeroed));
    }

    @Override
    public Backend backend() {
        return CpuBackend.INSTANCE;
    }

    float[] f() {
        checkLive();
        if (f == null) {
            throw new IllegalArgumentException("expected a float32 tensor, got " + dtype());
        }
        return f;
    }

    double[] d() {
        checkLive();
        if (d == null) {
            throw new IllegalArgumentException("expected a float64 tensor, got " + dtype());
        }
        return d;
    }

    double get(long i) {
        return f != null ? f[(int) i] : d[(int) i];
    }

    void set(long i, double v) {
        if (f != null) {
            f[(int) i] = (float) v;
        } else {
            d[(int) i] = v;
        }
    }

    @Override
    protected void free() {
        if (f != null) {
            CpuMemory.freed(4L * f.length);
            CpuMemory.recycle(f);
        } else {
            CpuMemory.freed(8L * d.length);
            CpuMemory.recycle(d);
        }
        f = null;
        d = null;
    }

    static CpuStorage of(Storage s) {
        if (!(s instanceof CpuStorage c)) {
            throw new IllegalArgumentException("the CPU backend got a tensor stored on " + s.backend().name()
                    + "; move it with tensor.to(backend) first");
        }
        c.checkLive();
        return c;
    }
}
