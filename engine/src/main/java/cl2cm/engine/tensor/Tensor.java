package cl2cm.engine.tensor;

import cl2cm.engine.autograd.Graph;
import cl2cm.engine.autograd.HookHandle;
import cl2cm.engine.autograd.Node;
import cl2cm.engine.backend.Backend;
import cl2cm.engine.backend.BinaryOp;
import cl2cm.engine.backend.Devices;
import cl2cm.engine.backend.UnaryOp;
import cl2cm.engine.backend.View;
import cl2cm.engine.ops.Linalg;
import cl2cm.engine.ops.Pointwise;
import cl2cm.engine.ops.Reductions;
import cl2cm.engine.ops.Views;

import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * An n-dimensional array of float32 (or float64) elements on some backend, with reverse-mode autograd.
 *
 * <p>A tensor is a strided view (shape, strides, offset) of a {@link Storage}; reshapes, transposes, slices and
 * broadcasts share storage. Ops return new tensors; when grad mode is on and an input requires a gradient, the
 * result remembers how to back-propagate ({@link #gradFn()}), and {@link #backward()} fills {@link #grad()} of the
 * leaves. Ops follow NumPy/PyTorch semantics: broadcasting, negative dimensions counting from the end, keepdim.
 */
public class Tensor {
    private final Storage storage;
    private final int[] shape;
    private final int[] strides;
    private final long offset;
    private boolean requiresGrad;
    private Tensor grad;
    private Node gradFn;
    /** Gradient hooks; null for the many tensors that have none. */
    private java.util.List<UnaryOperator<Tensor>> gradHooks;

    /** Wraps a strided view of a storage (no copy). */
    public Tensor(Storage storage, int[] shape, int[] strides, long offset) {
        if (shape.length != strides.length) {
            throw new IllegalArgumentException("shape " + Shape.str(shape) + " and strides " + Arrays.toString(strides)
                    + " differ in rank");
        }
        this.storage = storage;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    /** Wraps a contiguous storage. */
    public Tensor(Storage storage, int... shape) {
        this(storage, shape, Shape.contiguousStrides(shape), 0);
    }

    // ---- creation ----------------------------------------------------------------------------------------------

    public static Tensor zeros(int... shape) {
        return zeros(DType.F32, Devices.cpu(), shape);
    }

    public static Tensor zeros(DType dtype, Backend backend, int... shape) {
        int[] s = Shape.check(shape, "zeros");
        return new Tensor(backend.allocate(dtype, Shape.numel(s)), s);
    }

    /** A tensor whose elements are undefined until written: for op outputs that a kernel fills completely. */
    public static Tensor empty(DType dtype, Backend backend, int... shape) {
        int[] s = Shape.check(shape, "empty");
        return new Tensor(backend.allocateUninitialized(dtype, Shape.numel(s)), s);
    }

    public static Tensor full(double value, int... shape) {
        return full(value, DType.F32, Devices.cpu(), shape);
    }

    public static Tensor full(double value, DType dtype, Backend backend, int... shape) {
        Tensor t = zeros(dtype, backend, shape);
        if (value != 0) {
            backend.fill(t.view(), value);
        }
        return t;
    }

    public static Tensor ones(int... shape) {
        return full(1.0, shape);
    }

    /** A float32 CPU tensor holding a copy of {@code data} in row-major order. */
    public static Tensor of(float[] data, int... shape) {
        checkLength(data.length, shape);
        return new Tensor(Devices.cpu().fromFloats(data), shape.clone());
    }

    /**
     * A float32 tensor on {@code backend} holding {@code data} in row-major order. The backend reads the array when
     * it uploads it; a {@link cl2cm.engine.backend.ReplayableStep} reads the same array again before each replay,
     * so refill it rather than making a new one.
     */
    public static Tensor of(float[] data, Backend backend, int... shape) {
        checkLength(data.length, shape);
        return new Tensor(backend.fromFloats(data), shape.clone());
    }

    /** A tensor of the given dtype on the CPU holding {@code data} in row-major order. */
    public static Tensor of(double[] data, DType dtype, int... shape) {
        return of(data, dtype, Devices.cpu(), shape);
    }

    public static Tensor of(double[] data, DType dtype, Backend backend, int... shape) {
        checkLength(data.length, shape);
        return new Tensor(backend.fromDoubles(dtype, data), shape.clone());
    }

    /** A 0-dimensional tensor. */
    public static Tensor scalar(double value, DType dtype, Backend backend) {
        return of(new double[]{value}, dtype, backend);
    }

    private static void checkLength(int length, int[] shape) {
        Shape.check(shape, "tensor creation");
        if (length != Shape.numel(shape)) {
            throw new IllegalArgumentException("data has " + length + " elements but shape " + Shape.str(shape)
                    + " needs " + Shape.numel(shape));
        }
    }

    // ---- inspection --------------------------------------------------------------------------------------------

    public int[] shape() {
        return shape.clone();
    }

    public int size(int dim) {
        return shape[Shape.dim(dim, shape.length, "size")];
    }

    public int rank() {
        return shape.length;
    }

    public long numel() {
        return Shape.numel(shape);
    }

    public DType dtype() {
        return storage.dtype();
    }

    public Backend backend() {
        return storage.backend();
    }

    public Storage storage() {
        storage.checkLive();
        return storage;
    }

    /** Whether this tensor's memory has been released (its scope closed, or it was freed early). */
    public boolean isReleased() {
        return storage.isReleased();
    }

    public int[] strides() {
        return strides.clone();
    }

    public long offset() {
        return offset;
    }

    /** What kernels see: storage, shape, strides, offset. */
    public View view() {
        storage.checkLive();
        return new View(storage, shape, strides, offset);
    }

    public boolean isContiguous() {
        return offset == 0 && view().isContiguous() && numel() == storage.numel();
    }

    /** Elements in row-major order as float64. */
    public double[] toDoubleArray() {
        return backend().toDoubles(view());
    }

    /** Elements in row-major order as float32. */
    public float[] toFloatArray() {
        return backend().toFloats(view());
    }

    /** The value of a one-element tensor. */
    public double item() {
        if (numel() != 1) {
            throw new IllegalStateException("item() needs a tensor with one element, not shape " + Shape.str(shape));
        }
        return toDoubleArray()[0];
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor(").append(dtype()).append(' ').append(Shape.str(shape))
                .append(" on ").append(backend().name());
        if (gradFn != null) {
            sb.append(", gradFn=").append(gradFn.op());
        } else if (requiresGrad) {
            sb.append(", requiresGrad");
        }
        if (numel() <= 16 && !storage.isReleased()) {
            sb.append(", ").append(Arrays.toString(toDoubleArray()));
        }
        return sb.append(')').toString();
    }

    // ---- autograd ----------------------------------------------------------------------------------------------

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf tensor as needing a gradient; returns this. */
    public Tensor requiresGrad(boolean value) {
        if (gradFn != null && !value) {
            throw new IllegalStateException("requiresGrad(false) on a computed tensor; use detach()");
        }
        this.requiresGrad = value;
        return this;
    }

    /** The accumulated gradient of a leaf, or null. */
    public Tensor grad() {
        return grad;
    }

    /** Sets or clears a leaf's gradient (used by autograd and optimizers). */
    public void setGrad(Tensor g) {
        this.grad = g;
    }

    /** Releases and clears the gradient. */
    public void zeroGrad() {
        if (grad != null) {
            grad.storage.release();
            grad = null;
        }
    }

    /**
     * Calls {@code hook} with this tensor's gradient each time backward computes it (PyTorch's
     * {@code Tensor.register_hook}): for a tensor computed by ops, its whole gradient, once every op that read it has
     * passed its share back; for a leaf (a parameter), this backward's gradient before it is added to {@link #grad()}.
     * The hook returns the gradient to go on with: the same tensor to only watch it, or one of the same shape to
     * replace it (clipped, masked). Hooks run in registration order, with grad mode off.
     */
    public HookHandle registerGradHook(UnaryOperator<Tensor> hook) {
        if (!requiresGrad) {
            throw new IllegalStateException("a gradient hook on a tensor that does not require a gradient "
                    + Shape.str(shape) + " would never run; call requiresGrad(true) first");
        }
        if (gradHooks == null) {
            gradHooks = new java.util.concurrent.CopyOnWriteArrayList<>();
        }
        gradHooks.add(hook);
        return () -> gradHooks.remove(hook);
    }

    /** For autograd: the gradient hooks, empty when none. */
    public java.util.List<UnaryOperator<Tensor>> gradHooks() {
        return gradHooks == null ? java.util.List.of() : gradHooks;
    }

    /** The recorded op that produced this tensor, or null for leaves. */
    public Node gradFn() {
        return gradFn;
    }

    /** For autograd only: attaches (or, after backward, detaches) the producing op. */
    public void setGradFn(Node node) {
        this.gradFn = node;
        if (node != null) {
            this.requiresGrad = true;
        }
    }

    public boolean isLeaf() {
        return gradFn == null;
    }

    /** Back-propagates from this scalar (d this / d this = 1). */
    public void backward() {
        if (numel() != 1) {
            throw new IllegalStateException("backward() needs a scalar, not shape " + Shape.str(shape)
                    + "; reduce it first (sum/mean) or call backward(gradient)");
        }
        backward(Tensor.full(1.0, dtype(), backend(), shape));
    }

    /** Back-propagates a given output gradient of this tensor's shape. */
    public void backward(Tensor gradient) {
        Graph.backward(this, gradient);
    }

    /** The same data, cut off from the graph. */
    public Tensor detach() {
        return new Tensor(storage, shape, strides, offset);
    }

    // ---- conversion --------------------------------------------------------------------------------------------

    /** A contiguous copy with no autograd history. */
    public Tensor contiguousCopy() {
        Tensor out = empty(dtype(), backend(), shape);
        backend().copy(view(), out.view());
        return out;
    }

    /** This tensor if it is contiguous, else a contiguous copy (differentiable). */
    public Tensor contiguous() {
        return isContiguous() ? this : Views.contiguous(this);
    }

    /** A copy converted to another dtype (differentiable). */
    public Tensor to(DType dtype) {
        return Views.toDType(this, dtype);
    }

    /** A copy on another backend (differentiable). */
    public Tensor to(Backend backend) {
        return Views.toBackend(this, backend);
    }

    // ---- views -------------------------------------------------------------------------------------------------

    /** Same elements, new shape (one dimension may be -1); copies only when the strides do not allow a view. */
    public Tensor reshape(int... newShape) {
        return Views.reshape(this, newShape);
    }

    public Tensor flatten() {
        return reshape(-1);
    }

    public Tensor transpose(int dim0, int dim1) {
        return Views.transpose(this, dim0, dim1);
    }

    /** Transpose of the last two dimensions. */
    public Tensor mT() {
        return transpose(-2, -1);
    }

    public Tensor permute(int... dims) {
        return Views.permute(this, dims);
    }

    /** Elements start..start+length-1 along dim (a view). */
    public Tensor narrow(int dim, int start, int length) {
        return Views.narrow(this, dim, start, length);
    }

    /** Broadcasts to a larger shape without copying (-1 keeps a size). */
    public Tensor expand(int... newShape) {
        return Views.expand(this, newShape);
    }

    public Tensor unsqueeze(int dim) {
        return Views.unsqueeze(this, dim);
    }

    public Tensor squeeze(int dim) {
        return Views.squeeze(this, dim);
    }

    // ---- arithmetic --------------------------------------------------------------------------------------------

    public Tensor add(Tensor o) {
        return Pointwise.binary(BinaryOp.ADD, this, o);
    }

    public Tensor sub(Tensor o) {
        return Pointwise.binary(BinaryOp.SUB, this, o);
    }

    public Tensor mul(Tensor o) {
        return Pointwise.binary(BinaryOp.MUL, this, o);
    }

    public Tensor div(Tensor o) {
        return Pointwise.binary(BinaryOp.DIV, this, o);
    }

    /** Elementwise maximum of two tensors (gradient split evenly on ties). */
    public Tensor maximum(Tensor o) {
        return Pointwise.binary(BinaryOp.MAXIMUM, this, o);
    }

    public Tensor minimum(Tensor o) {
        return Pointwise.binary(BinaryOp.MINIMUM, this, o);
    }

    public Tensor add(double c) {
        return Pointwise.affine(this, 1.0, c);
    }

    public Tensor sub(double c) {
        return Pointwise.affine(this, 1.0, -c);
    }

    public Tensor mul(double c) {
        return Pointwise.affine(this, c, 0.0);
    }

    public Tensor div(double c) {
        return Pointwise.affine(this, 1.0 / c, 0.0);
    }

    public Tensor neg() {
        return Pointwise.unary(UnaryOp.NEG, this);
    }

    public Tensor pow(double exponent) {
        return Pointwise.pow(this, exponent);
    }

    public Tensor sqrt() {
        return Pointwise.unary(UnaryOp.SQRT, this);
    }

    public Tensor exp() {
        return Pointwise.unary(UnaryOp.EXP, this);
    }

    public Tensor log() {
        return Pointwise.unary(UnaryOp.LOG, this);
    }

    public Tensor abs() {
        return Pointwise.unary(UnaryOp.ABS, this);
    }

    public Tensor tanh() {
        return Pointwise.unary(UnaryOp.TANH, this);
    }

    public Tensor sigmoid() {
        return Pointwise.unary(UnaryOp.SIGMOID, this);
    }

    public Tensor relu() {
        return Pointwise.unary(UnaryOp.RELU, this);
    }

    /** GELU, exact erf form (PyTorch's default). */
    public Tensor gelu() {
        return Pointwise.unary(UnaryOp.GELU_ERF, this);
    }

    /** GELU, tanh approximation (as in the original BERT code). */
    public Tensor geluTanh() {
        return Pointwise.unary(UnaryOp.GELU_TANH, this);
    }

    public Tensor clamp(double min, double max) {
        return Pointwise.clamp(this, min, max);
    }

    // ---- reductions --------------------------------------------------------------------------------------------

    /** Sum of all elements (0-d). */
    public Tensor sum() {
        return Reductions.sum(this, allDims(), false);
    }

    public Tensor sum(int dim, boolean keepDim) {
        return Reductions.sum(this, new int[]{dim}, keepDim);
    }

    public Tensor sum(int[] dims, boolean keepDim) {
        return Reductions.sum(this, dims, keepDim);
    }

    public Tensor mean() {
        return Reductions.mean(this, allDims(), false);
    }

    public Tensor mean(int dim, boolean keepDim) {
        return Reductions.mean(this, new int[]{dim}, keepDim);
    }

    public Tensor mean(int[] dims, boolean keepDim) {
        return Reductions.mean(this, dims, keepDim);
    }

    /** Maximum over a dimension (values only; gradient shared evenly among tied maxima, like torch.amax). */
    public Tensor max(int dim, boolean keepDim) {
        return Reductions.max(this, new int[]{dim}, keepDim);
    }

    public Tensor max() {
        return Reductions.max(this, allDims(), false);
    }

    private int[] allDims() {
        int[] d = new int[shape.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = i;
        }
        return d;
    }

    // ---- linear algebra and rows -------------------------------------------------------------------------------

    /** Matrix product with batching and broadcasting of leading dimensions (torch.matmul for rank >= 1). */
    public Tensor matmul(Tensor o) {
        return Linalg.matmul(this, o);
    }

    public Tensor softmax(int dim) {
        return cl2cm.engine.ops.Nn.softmax(this, dim);
    }

    public Tensor logSoftmax(int dim) {
        return cl2cm.engine.ops.Nn.logSoftmax(this, dim);
    }
}
