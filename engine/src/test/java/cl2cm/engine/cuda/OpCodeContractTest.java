package cl2cm.engine.cuda;

import cl2cm.engine.backend.BinaryOp;
import cl2cm.engine.backend.UnaryOp;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CUDA backend sends a pointwise op as its Java ordinal, and kernels.cu mirrors {@link UnaryOp} and
 * {@link BinaryOp} as C enums. This test holds the two sides together without a GPU: the same constants in the same
 * order, a case for each in the kernel's switch, and a trap after the switch for codes it does not know.
 */
class OpCodeContractTest {
    private static final Path KERNELS = Path.of("..").toAbsolutePath().normalize()
            .resolve("engine/src/main/cuda/kernels.cu");

    @Test
    void unaryOpsMatchTheKernelEnumAndSwitch() throws IOException {
        String src = Files.readString(KERNELS);
        check(src, "Unary", "unary_op", names(UnaryOp.values()));
    }

    @Test
    void binaryOpsMatchTheKernelEnumAndSwitch() throws IOException {
        String src = Files.readString(KERNELS);
        check(src, "Binary", "binary_op", names(BinaryOp.values()));
    }

    private static void check(String src, String enumName, String function, List<String> javaNames) {
        assertEquals(javaNames, cEnum(src, enumName),
                "kernels.cu's enum " + enumName + " must list the Java enum's constants in ordinal order");
        String body = functionBody(src, function);
        for (String name : javaNames) {
            assertTrue(Pattern.compile("case\\s+" + name + "\\s*:").matcher(body).find(),
                    function + " in kernels.cu has no case for " + name + ": the GPU would not compute it");
        }
        int switchEnd = body.lastIndexOf('}', body.lastIndexOf("return"));
        assertTrue(body.indexOf("__trap()", switchEnd) > 0,
                function + " in kernels.cu must __trap() after its switch, so an unknown op code fails loudly");
    }

    private static List<String> names(Enum<?>[] values) {
        return Arrays.stream(values).map(Enum::name).toList();
    }

    /** The constants of {@code enum NAME { A, B, ... };} in order. */
    static List<String> cEnum(String src, String name) {
        Matcher m = Pattern.compile("enum\\s+" + name + "\\s*\\{([^}]*)}").matcher(src);
        assertTrue(m.find(), "kernels.cu has no enum " + name);
        return Arrays.stream(m.group(1).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** The text of a device function from its signature to its closing brace at column 0. */
    static String functionBody(String src, String function) {
        Matcher m = Pattern.compile("\\b" + function + "\\s*\\(int op").matcher(src);
        assertTrue(m.find(), "kernels.cu has no function " + function + "(int op, ...)");
        int end = src.indexOf("\n}\n", m.end());
        assertTrue(end > 0, "cannot find the end of " + function);
        return src.substring(m.end(), end + 2);
    }
}
