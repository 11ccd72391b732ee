package cl2cm.engine.backend;

/**
 * The primitive kernels a device provides. Tensors and autograd are written once on top of this interface, so the
 * same model code runs on every backend. Kernels write into freshly allocated, contiguous output storages unless a
 * method says it works in place. Shapes are given explicitly; storages carry only dtype and length.
 *
 * <p>Every backend's results must agree, within float32 rounding, with the CPU backend's float64 path, which is
 * written as plain scalar loops and serves as the reference implementation.
 *
 * <p>The kernels are grouped by family into the interfaces this one extends, so a reader (or a new backend) can
 * take one family at a time: {@link MemoryKernels}, {@link PointwiseKernels}, {@link LinalgKernels},
 * {@link NormKernels}, {@link IndexingKernels}, {@link ConvolutionKernels}, {@link OptimizerKernels} and
 * {@link StepReplay}.
 */
public interface Backend extends MemoryKernels, PointwiseKernels, LinalgKernels, NormKernels, IndexingKernels,
        ConvolutionKernels, OptimizerKernels, StepReplay {

    String name();
}
