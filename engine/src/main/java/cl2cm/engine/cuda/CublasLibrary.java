package cl2cm.engine.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Makes JCublas2 12.0.0 loadable. Its native library needs {@code libcublas.so.12}. CUDA 12 hosts have it and
 * nothing is done. CUDA 13 hosts only have {@code libcublas.so.13}: then the compatibility library built by
 * tools/cuda/build-cublas-compat.sh (soname {@code libcublas.so.12}, one trampoline per cuBLAS function, each
 * jumping into libcublas.so.13) is extracted from the jar and loaded first, and the dynamic linker satisfies
 * JCublas2's dependency with it. The user runs nothing by hand.
 */
final class CublasLibrary {
    private static final String[] CUBLAS_13 = {"libcublas.so.13", "/usr/local/cuda/lib64/libcublas.so.13",
            "/usr/local/cuda-13.0/lib64/libcublas.so.13"};
    private static boolean prepared;
    private static String route = "not loaded";

    private CublasLibrary() {
    }

    /** How cuBLAS was reached: "libcublas.so.12" or "compatibility library -> libcublas.so.13". */
    static synchronized String route() {
        return route;
    }

    static synchronized void prepare() {
        if (prepared) {
            return;
        }
        prepared = true;
        if (loadable("libcublas.so.12") || !System.getProperty("os.name").toLowerCase().contains("linux")) {
            route = "libcublas.so.12";
            return;
        }
        String cublas13 = null;
        String env = System.getenv("CL2CM_CUBLAS13");
        for (String c : env == null ? CUBLAS_13 : new String[]{env}) {
            if (loadable(c)) {
                cublas13 = c;
                break;
            }
        }
        if (cublas13 == null) {
            throw new CudaError("cuBLAS not found: neither libcublas.so.12 nor libcublas.so.13 can be loaded (install "
                    + "the CUDA toolkit's cuBLAS, add its lib64 folder to LD_LIBRARY_PATH, or set CL2CM_CUBLAS13 to "
                    + "the path of libcublas.so.13)");
        }
        String arch = System.getProperty("os.arch").equals("amd64") ? "x86_64" : System.getProperty("os.arch");
        try (InputStream in = CublasLibrary.class.getResourceAsStream("linux-" + arch + "/libcublas.so.12")) {
            if (in == null) {
                throw new CudaError("no cuBLAS compatibility library for linux-" + arch + " in the engine jar");
            }
            Path dir = Files.createTempDirectory("cl2cm-cublas");
            Path lib = dir.resolve("libcublas.so.12");
            Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
            lib.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            System.load(lib.toString());
            route = "compatibility library -> " + cublas13;
        } catch (IOException e) {
            throw new CudaError("cannot extract the cuBLAS compatibility library: " + e.getMessage(), e);
        }
    }

    private static boolean loadable(String name) {
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup.libraryLookup(name, arena);
            return true;
        } catch (IllegalArgumentException | IllegalCallerException e) {
            return false;
        }
    }
}
