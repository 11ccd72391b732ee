package cl2cm.engine.cuda;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parameter lists of the kernels in a PTX module, read from its {@code .entry} declarations: each parameter's
 * size in bytes. Every launch is checked against them, so an argument missing, added or of the wrong width fails
 * with the kernel's name instead of reading garbage on the GPU; the check needs no GPU, so {@code KernelsContractTest}
 * runs it for every typed launch method in {@code mvn test}.
 */
final class PtxSignatures {
    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)");
    private static final Pattern SCALAR = Pattern.compile("\\.param\\s+\\.[usfb](8|16|32|64)\\s+\\w+");
    private static final Pattern ARRAY = Pattern.compile("\\.param\\s+(?:\\.align\\s+\\d+\\s+)?\\.b8\\s+\\w+\\[(\\d+)]");

    private final Map<String, int[]> sizes;

    private PtxSignatures(Map<String, int[]> sizes) {
        this.sizes = sizes;
    }

    static PtxSignatures parse(String ptx) {
        Map<String, int[]> out = new LinkedHashMap<>();
        Matcher m = ENTRY.matcher(ptx);
        while (m.find()) {
            List<Integer> params = new ArrayList<>();
            for (String p : m.group(2).split(",")) {
                if (p.isBlank()) {
                    continue;
                }
                Matcher a = ARRAY.matcher(p);
                Matcher s = SCALAR.matcher(p);
                if (a.find()) {
                    params.add(Integer.parseInt(a.group(1)));
                } else if (s.find()) {
                    params.add(Integer.parseInt(s.group(1)) / 8);
                } else {
                    throw new IllegalArgumentException("kernel " + m.group(1) + ": unreadable PTX parameter '"
                            + p.strip() + "'");
                }
            }
            out.put(m.group(1), params.stream().mapToInt(Integer::intValue).toArray());
        }
        return new PtxSignatures(out);
    }

    java.util.Set<String> kernels() {
        return sizes.keySet();
    }

    /** Throws unless {@code args} (as {@link KernelLauncher} packs them) match {@code kernel}'s parameters. */
    void check(String kernel, Object[] args) {
        int[] want = sizes.get(kernel);
        if (want == null) {
            throw new IllegalArgumentException("no kernel " + kernel + " in kernels.ptx (rebuild it: "
                    + "tools/cuda/build-ptx.sh)");
        }
        int[] got = new int[args.length];
        for (int i = 0; i < args.length; i++) {
            got[i] = switch (args[i]) {
                case jcuda.driver.CUdeviceptr p -> 8;
                case Integer v -> 4;
                case Long v -> 8;
                case Float v -> 4;
                case Double v -> 8;
                case byte[] v -> v.length;
                default -> throw new IllegalArgumentException("kernel " + kernel + ": argument " + i + " of type "
                        + args[i].getClass().getSimpleName());
            };
        }
        if (!Arrays.equals(want, got)) {
            throw new IllegalArgumentException("kernel " + kernel + " takes parameters of " + Arrays.toString(want)
                    + " bytes, the launch passes " + Arrays.toString(got));
        }
    }
}
