package cl2cm.engine.autograd;

import java.util.ArrayList;
import java.util.List;

/**
 * Where an op was created, read from the stack: the first frame outside the engine's tensor, op and autograd code
 * (the line a user wrote) and the chain of modules (classes extending the engine's Module) that were running,
 * innermost first. Walking the stack costs microseconds, so only instruments that are switched on use it.
 */
public record CallSite(String line, List<String> modules) {
    /** The call site of the op being recorded now. */
    public static CallSite here() {
        List<StackWalker.StackFrame> frames = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                .walk(s -> s.toList());
        String line = null;
        List<String> modules = new ArrayList<>();
        for (StackWalker.StackFrame f : frames) {
            String cls = f.getClassName();
            boolean engineCore = cls.startsWith("cl2cm.engine.autograd.") || cls.startsWith("cl2cm.engine.ops.")
                    || cls.startsWith("cl2cm.engine.tensor.");
            if (line == null && !engineCore) {
                line = cls.substring(cls.lastIndexOf('.') + 1) + "." + f.getMethodName() + "(" + f.getFileName() + ":"
                        + f.getLineNumber() + ")";
            }
            if (isModule(f.getDeclaringClass()) && modules.size() < 8) {
                String m = f.getDeclaringClass().getSimpleName() + "." + f.getMethodName();
                if (modules.isEmpty() || !modules.get(modules.size() - 1).equals(m)) {
                    modules.add(m);
                }
            }
        }
        return new CallSite(line, List.copyOf(modules));
    }

    /** The module classes from outermost to innermost, e.g. "BertModel > BertLayer > MultiHeadAttention". */
    public String moduleChain() {
        List<String> names = new ArrayList<>();
        for (int i = modules.size() - 1; i >= 0; i--) {
            String cls = modules.get(i).substring(0, modules.get(i).indexOf('.'));
            if (names.isEmpty() || !names.get(names.size() - 1).equals(cls)) {
                names.add(cls);
            }
        }
        return String.join(" > ", names);
    }

    /** "created at Caller.method(File.java:12) in MultiHeadAttention.forward < BertLayer.forward". */
    @Override
    public String toString() {
        return "created at " + line + (modules.isEmpty() ? "" : " in " + String.join(" < ", modules));
    }

    /** Whether a class extends the engine's Module (by name: autograd does not depend on the layers built on it). */
    private static boolean isModule(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            if (k.getName().equals("cl2cm.engine.nn.Module")) {
                return true;
            }
        }
        return false;
    }
}
