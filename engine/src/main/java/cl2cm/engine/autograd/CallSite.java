package cl2cm.engine.autograd;

/**
 * Where an op was created: the first stack frame outside the engine's tensor, op and autograd code (the line a user
 * wrote), and the module running it ({@link ModulePath}: its dotted path, its class and its model's, e.g.
 * {@code text.bert.encoder.layer.1.attention (MultiHeadAttention in CrossModal)}). Walking the stack costs
 * microseconds, so only instruments that are switched on use it.
 */
public record CallSite(String line, String module) {
    /** The call site of the op being recorded now. */
    public static CallSite here() {
        String line = StackWalker.getInstance().walk(frames -> frames.filter(f -> {
            String cls = f.getClassName();
            return !(cls.startsWith("cl2cm.engine.autograd.") || cls.startsWith("cl2cm.engine.ops.")
                    || cls.startsWith("cl2cm.engine.tensor."));
        }).findFirst().map(f -> {
            String cls = f.getClassName();
            return cls.substring(cls.lastIndexOf('.') + 1) + "." + f.getMethodName() + "(" + f.getFileName() + ":"
                    + f.getLineNumber() + ")";
        }).orElse("an unknown line"));
        return new CallSite(line, ModulePath.describe());
    }

    /** "created at Caller.method(File.java:12) in text.bert.encoder.layer.1.attention (MultiHeadAttention in ...)". */
    @Override
    public String toString() {
        return "created at " + line + (module.isEmpty() ? "" : " in " + module);
    }
}
