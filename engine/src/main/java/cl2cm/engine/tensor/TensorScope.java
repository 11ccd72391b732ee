package cl2cm.engine.tensor;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Explicit lifetimes for tensor memory. Every storage allocated while a scope is open belongs to the innermost
 * open scope of the thread and is released when that scope closes, unless it was kept. A training step runs in a
 * scope: its activations, gradients of intermediates and temporaries are released at the end of the step, while
 * parameters, their gradients and optimizer state, allocated outside any scope (see {@link #persistent}), stay.
 *
 * <pre>{@code
 * try (TensorScope step = TensorScope.open("train step")) {
 *     Tensor loss = model.loss(batch);
 *     loss.backward();
 *     optimizer.step();
 *     lossValue = loss.item();
 * } // all intermediates released here
 * }</pre>
 */
public final class TensorScope implements AutoCloseable {
    private static final ThreadLocal<List<TensorScope>> STACK = ThreadLocal.withInitial(ArrayList::new);

    private final String name;
    private final Map<Storage, Boolean> owned = new IdentityHashMap<>();
    private boolean closed;

    private TensorScope(String name) {
        this.name = name;
    }

    /** Opens a scope that owns every storage allocated on this thread until it closes. */
    public static TensorScope open(String name) {
        TensorScope scope = new TensorScope(name);
        STACK.get().add(scope);
        return scope;
    }

    /** Runs {@code body} with no scope active, so what it allocates lives until released explicitly. */
    public static <T> T persistent(java.util.function.Supplier<T> body) {
        List<TensorScope> saved = new ArrayList<>(STACK.get());
        STACK.get().clear();
        try {
            return body.get();
        } finally {
            STACK.get().addAll(saved);
        }
    }

    /**
     * {@code t}'s values in persistent memory: {@code t} itself when it is a whole contiguous tensor (its storage is
     * taken out of every open scope, so a fresh initial value is not kept as well as a copy), otherwise a persistent
     * contiguous copy.
     */
    public static Tensor toPersistent(Tensor t) {
        if (t.isContiguous() && t.offset() == 0 && t.numel() == t.storage().numel()) {
            persist(t.storage());
            return t;
        }
        return persistent(t::contiguousCopy);
    }

    /** Takes {@code storage} out of every scope open on this thread, so that only an explicit release frees it. */
    public static void persist(Storage storage) {
        for (TensorScope s : STACK.get()) {
            s.owned.remove(storage);
        }
    }

    /**
     * Releases {@code t}'s storage now when the innermost scope owns it (otherwise does nothing). For a forward
     * intermediate that its caller knows no gradient rule will read — e.g. attention scores once softmax has run
     * (softmax's gradient needs only its output) — freed before its layer returns ({@link Frame} would free it
     * then), where that lowers the peak. Using it afterwards fails with a message naming this release.
     */
    public static void releaseNow(Tensor t) {
        List<TensorScope> stack = STACK.get();
        if (!stack.isEmpty()) {
            stack.get(stack.size() - 1).releaseIfOwned(t.storage());
        }
    }

    /** Releases {@code s} now if a scope open on this thread owns it (persistent storages are left alone). */
    public static boolean releaseOwned(Storage s, String why) {
        List<TensorScope> stack = STACK.get();
        for (int i = stack.size() - 1; i >= 0; i--) {
            TensorScope scope = stack.get(i);
            if (scope.owned.remove(s) != null) {
                s.releaseBecause("TensorScope '" + scope.name + "' (" + why + ")");
                return true;
            }
        }
        return false;
    }

    /** Called by backends for each new storage. */
    public static void register(Storage storage) {
        MemoryProfile.allocated(storage);
        List<TensorScope> stack = STACK.get();
        if (!stack.isEmpty()) {
            stack.get(stack.size() - 1).owned.put(storage, Boolean.TRUE);
            List<Frame> frames = FRAMES.get();
            if (!frames.isEmpty()) {
                frames.get(frames.size() - 1).allocated.add(storage);
            }
        }
    }

    private static final ThreadLocal<List<Frame>> FRAMES = ThreadLocal.withInitial(ArrayList::new);

    /**
     * A layer's forward pass, the one place where the lifetime of activations is decided ({@link
     * cl2cm.engine.nn.Module} runs every forward in one). It notes the storages allocated while it is open; when the
     * layer returns, those it does not return have no reader left in forward code, so each is released at once
     * unless a recorded gradient rule saved it, and otherwise by backward after the last rule that saved it has run
     * ({@link Storage#doneWithBackward}), as PyTorch frees a node's saved tensors. A training step's activations then
     * go while backward goes, a no-grad pass holds one layer's temporaries at a time, and a layer's forward reads as
     * math. The returned storages pass to the enclosing frame. Frames act only inside a scope (they release what a
     * scope owns).
     */
    public static final class Frame {
        private final List<Storage> allocated = new ArrayList<>();

        private Frame() {
        }

        /** Opens a frame on this thread; close it with {@link #exit} or, when the forward failed, {@link #abandon}. */
        public static Frame enter() {
            Frame f = new Frame();
            FRAMES.get().add(f);
            return f;
        }

        /** The layer returned {@code output} (a tensor, or a record or collection of tensors). */
        public void exit(Object output) {
            pop();
            List<Storage> returned = new ArrayList<>();
            collectStorages(output, returned);
            List<Frame> frames = FRAMES.get();
            Frame parent = frames.isEmpty() ? null : frames.get(frames.size() - 1);
            for (Storage s : allocated) {
                if (s.isReleased()) {
                    continue;
                }
                if (containsIdentical(returned, s)) {
                    if (parent != null) {
                        parent.allocated.add(s);
                    }
                } else {
                    s.forwardDone();
                }
            }
        }

        /** The forward failed: what it allocated is left to its scope. */
        public void abandon() {
            pop();
        }

        private void pop() {
            List<Frame> frames = FRAMES.get();
            if (frames.isEmpty() || frames.get(frames.size() - 1) != this) {
                throw new IllegalStateException("TensorScope.Frame closed while an inner frame is still open");
            }
            frames.remove(frames.size() - 1);
        }

        private static void collectStorages(Object o, List<Storage> out) {
            if (o instanceof Tensor t) {
                out.add(t.storage());
            } else if (o instanceof Iterable<?> it) {
                it.forEach(x -> collectStorages(x, out));
            } else if (o instanceof Object[] arr) {
                for (Object x : arr) {
                    collectStorages(x, out);
                }
            } else if (o instanceof Record r) {
                for (java.lang.reflect.RecordComponent c : r.getClass().getRecordComponents()) {
                    try {
                        collectStorages(c.getAccessor().invoke(r), out);
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException("cannot read " + c.getName() + " of a layer's output "
                                + r.getClass().getName(), e);
                    }
                }
            } else if (o instanceof java.util.Map<?, ?> m) {
                m.values().forEach(x -> collectStorages(x, out));
            }
        }

        private static boolean containsIdentical(List<Storage> list, Storage s) {
            for (Storage x : list) {
                if (x == s) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Moves the tensor's storage out of this scope into the enclosing scope (or makes it persistent when there is
     * none), so that it survives {@link #close()}.
     */
    public Tensor keep(Tensor t) {
        Storage s = t.storage();
        if (owned.remove(s) != null) {
            List<TensorScope> stack = STACK.get();
            int i = stack.indexOf(this);
            if (i > 0) {
                stack.get(i - 1).owned.put(s, Boolean.TRUE);
            }
        }
        return t;
    }

    /**
     * Releases {@code s} now if this scope owns it and returns true; storages of other scopes are left alone. For
     * code that knows a storage is dead before its scope ends (backward frees each gradient once it is consumed).
     */
    public boolean releaseIfOwned(Storage s) {
        if (owned.remove(s) == null) {
            return false;
        }
        s.releaseBecause("TensorScope '" + name + "' (released early, no longer needed)");
        return true;
    }

    /** Number of storages this scope would release now (for tests and memory reports). */
    public int ownedCount() {
        return owned.size();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<TensorScope> stack = STACK.get();
        if (stack.isEmpty() || stack.get(stack.size() - 1) != this) {
            // Closing out of order would release storages an inner scope still relies on.
            throw new IllegalStateException("TensorScope '" + name + "' closed while an inner scope is still open");
        }
        stack.remove(stack.size() - 1);
        String who = "the closing of TensorScope '" + name + "'";
        for (Storage s : owned.keySet()) {
            s.releaseBecause(who);
        }
        owned.clear();
    }
}
