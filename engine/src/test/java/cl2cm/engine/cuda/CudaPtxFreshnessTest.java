package cl2cm.engine.cuda;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The committed PTX must be what tools/cuda/build-ptx.sh makes from engine/src/main/cuda/kernels.cu today; runs
 * where nvcc exists (skipped elsewhere, with the reason).
 */
class CudaPtxFreshnessTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void committedPtxMatchesTheSource() throws IOException, InterruptedException {
        String nvcc = findNvcc();
        Assumptions.assumeTrue(nvcc != null, "nvcc not found (PATH, /usr/local/cuda/bin): PTX freshness not checked");
        Path out = Files.createTempFile("kernels", ".ptx");
        try {
            Process p = new ProcessBuilder(nvcc, "-ptx", "-arch=compute_75", "-O3", "-std=c++17",
                    ROOT.resolve("engine/src/main/cuda/kernels.cu").toString(), "-o", out.toString())
                    .redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "nvcc timed out");
            assertEquals(0, p.exitValue(), "nvcc failed:\n" + log);
            assertEquals(code(out), code(ROOT.resolve("engine/src/main/resources/cl2cm/engine/cuda/kernels.ptx")),
                    "kernels.ptx is stale: run tools/cuda/build-ptx.sh and commit the result");
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** PTX without comment lines (they name the compiler build, which may differ between equal nvcc releases). */
    private static List<String> code(Path ptx) throws IOException {
        return Files.readAllLines(ptx).stream().filter(l -> !l.startsWith("//")).toList();
    }

    private static String findNvcc() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "nvcc"))) {
                return Path.of(dir, "nvcc").toString();
            }
        }
        Path cuda = Path.of("/usr/local/cuda/bin/nvcc");
        return Files.isExecutable(cuda) ? cuda.toString() : null;
    }
}
