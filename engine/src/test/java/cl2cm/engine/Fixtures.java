package cl2cm.engine;

import cl2cm.engine.io.SafeTensors;
import cl2cm.engine.tensor.DType;
import cl2cm.engine.tensor.Shape;
import cl2cm.engine.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Golden fixtures made by tools/fixtures/make_fixtures.py with PyTorch, and the tolerance rule used to compare:
 * each element within rtol * (|ref| + max|ref|), i.e. relative to the element and to the tensor's scale, so values
 * near zero in a tensor of large ones are not held to an impossible relative bound.
 */
public final class Fixtures implements AutoCloseable {
    /** float32 results against float64 references. */
    public static final double F32_RTOL = 1e-4;
    /** float64 results against float64 references. */
    public static final double F64_RTOL = 1e-9;

    private final SafeTensors.Reader reader;

    private Fixtures(SafeTensors.Reader reader) {
        this.reader = reader;
    }

    /** Opens {@code /fixtures/<name>} from the test class path. */
    public static Fixtures open(String name) {
        URL url = Fixtures.class.getResource("/fixtures/" + name);
        if (url == null) {
            throw new IllegalStateException("fixture /fixtures/" + name + " is missing; run tools/fixtures/make_fixtures.py");
        }
        try {
            return new Fixtures(SafeTensors.open(Path.of(url.toURI())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public SafeTensors.Reader reader() {
        return reader;
    }

    public Tensor get(String name, DType dtype) {
        try {
            return reader.tensor(name, dtype, cl2cm.engine.backend.Devices.cpu());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int[] ints(String name) {
        try {
            return reader.ints(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public double scalar(String name) {
        return get(name, DType.F64).item();
    }

    /** Compares a result with the reference of the same name. */
    public void assertClose(String name, Tensor got, double rtol) {
        Tensor ref = get(name, DType.F64);
        assertArrayEquals(ref.shape(), got.shape(), name + ": shape " + Shape.str(got.shape()));
        assertClose(name, got.toDoubleArray(), ref.toDoubleArray(), rtol);
    }

    public static void assertClose(String what, double[] got, double[] ref, double rtol) {
        if (got.length != ref.length) {
            fail(what + ": " + got.length + " values, expected " + ref.length);
        }
        double scale = 0;
        for (double r : ref) {
            scale = Math.max(scale, Math.abs(r));
        }
        double worst = 0;
        int at = -1;
        for (int i = 0; i < got.length; i++) {
            double err = Math.abs(got[i] - ref[i]) / (Math.abs(ref[i]) + scale + 1e-30);
            if (!(err <= worst) || Double.isNaN(err)) {
                worst = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err;
                at = i;
            }
        }
        if (worst > rtol) {
            fail(String.format("%s: element %d is %.9g, reference %.9g (relative error %.2e > %.0e)", what, at,
                    got[at], ref[at], worst, rtol));
        }
    }

    public static double rtol(DType dtype) {
        return dtype == DType.F32 ? F32_RTOL : F64_RTOL;
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
