package cl2cm.engine.cuda;

import cl2cm.engine.backend.BinaryOp;
import cl2cm.engine.backend.ConvGeometry;
import cl2cm.engine.backend.UnaryOp;
import cl2cm.engine.backend.View;
import cl2cm.engine.tensor.DType;
import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java-CUDA launch contract, checked without a GPU: every typed method of {@link Kernels}, called for each dtype,
 * passes arguments whose count and widths match the kernel's parameters in the shipped kernels.ptx; every kernel of
 * the PTX is launched by some method; and each method's comment carries the kernel's C signature as kernels.cu
 * declares it.
 */
class KernelsContractTest {
    static PtxSignatures signatures() throws Exception {
        try (InputStream in = CudaBackend.class.getResourceAsStream("kernels.ptx")) {
            return PtxSignatures.parse(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void everyTypedLaunchMatchesThePtxAndEveryKernelHasOne() throws Exception {
        PtxSignatures ptx = signatures();
        TreeSet<String> launched = new TreeSet<>();
        List<String> failures = new ArrayList<>();
        Kernels kernels = new Kernels((kernel, blocks, threads, shared, args) -> {
            assertTrue(blocks >= 1 && blocks <= Kernels.MAX_BLOCKS && threads >= 32 && threads <= 1024,
                    kernel + ": grid " + blocks + " x " + threads);
            try {
                ptx.check(kernel, args);
                launched.add(kernel);
            } catch (IllegalArgumentException e) {
                failures.add(e.getMessage());
            }
        });
        int methods = 0;
        for (Method m : Kernels.class.getDeclaredMethods()) {
            if (Modifier.isPrivate(m.getModifiers()) || Modifier.isStatic(m.getModifiers()) || m.isSynthetic()) {
                continue;
            }
            methods++;
            Class<?>[] types = m.getParameterTypes();
            int dtypes = (int) java.util.Arrays.stream(types).filter(t -> t == DType.class).count();
            for (int combo = 0; combo < (1 << dtypes); combo++) {
                Object[] args = new Object[types.length];
                int d = 0;
                for (int i = 0; i < types.length; i++) {
                    args[i] = types[i] == DType.class ? ((combo >> d++) & 1) == 0 ? DType.F32 : DType.F64
                            : sample(types[i]);
                }
                m.invoke(kernels, args);
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertEquals(new TreeSet<>(ptx.kernels()), launched, "every kernel of kernels.ptx has a typed launch method");
        assertTrue(methods >= 28, "methods: " + methods);
    }

    private static Object sample(Class<?> t) {
        if (t == CUdeviceptr.class) {
            return new CUdeviceptr();
        } else if (t == View.class) {
            return new View(null, new int[]{2, 3}, new int[]{3, 1}, 0);
        } else if (t == ConvGeometry.class) {
            return new ConvGeometry(1, 2, 5, 5, 3, 3, 1, 1, 1, 1);
        } else if (t == UnaryOp.class) {
            return UnaryOp.values()[0];
        } else if (t == BinaryOp.class) {
            return BinaryOp.values()[0];
        } else if (t == int.class) {
            return 70;
        } else if (t == long.class) {
            return 70L;
        } else if (t == double.class) {
            return 0.5;
        } else if (t == boolean.class) {
            return true;
        }
        throw new AssertionError("no sample argument of type " + t);
    }

    /** Each typed method's comment shows the kernel's C parameter list exactly as kernels.cu declares it. */
    @Test
    void commentsCarryTheCSignatures() throws Exception {
        Map<String, String> cu = new TreeMap<>();
        String source = Files.readString(Path.of("src/main/cuda/kernels.cu")).replace("\\\n", "\n");
        Matcher m = Pattern.compile("extern \"C\" __global__ void (\\w+)_##S\\(([^)]*)\\)").matcher(source);
        while (m.find()) {
            cu.put(m.group(1), m.group(2).replaceAll("\\s+", " ").strip());
        }
        Map<String, String> java = new TreeMap<>();
        String text = Files.readString(Path.of("src/main/java/cl2cm/engine/cuda/Kernels.java"))
                .replaceAll("\n\\s*\\*", " ");
        Matcher j = Pattern.compile("\\{@code (\\w+)_S\\(([^)]*)\\)").matcher(text);
        while (j.find()) {
            java.put(j.group(1), j.group(2).replaceAll("\\s+", " ").strip());
        }
        assertTrue(cu.size() >= 27, "kernels.cu entries: " + cu.keySet());
        assertEquals(cu, java);
    }

    @Test
    void aLaunchThatDoesNotMatchIsRefusedByName() throws Exception {
        PtxSignatures ptx = signatures();
        var e = assertThrows(IllegalArgumentException.class, () -> ptx.check("unary_f32", new Object[]{1, 0.5f}));
        assertTrue(e.getMessage().contains("unary_f32") && e.getMessage().contains("[4, 4, 4, 8, 8, 8]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ptx.check("unary_f32",
                new Object[]{1, 0.5, 0.5, new CUdeviceptr(), new CUdeviceptr(), 3L}));
        assertTrue(e.getMessage().contains("[4, 8, 8, 8, 8, 8]"), "a double where the kernel takes a float: " + e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ptx.check("no_such_kernel", new Object[0]));
        assertTrue(e.getMessage().contains("no kernel no_such_kernel"), e.getMessage());
    }
}
