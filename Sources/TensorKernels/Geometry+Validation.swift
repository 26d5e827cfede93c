//! Preconditions on geometries that the kernels rely on. Shapes come from TensorCore, which
//! validates user input; reaching a kernel with one of these is a programming error.

extension Pool2dGeometry {
    /// PyTorch's rules, which keep every window partly inside the image: padding at most half the
    /// kernel, positive strides, and a non-empty output.
    func checkValid() {
        precondition(
            strideHeight > 0 && strideWidth > 0 && kernelHeight > 0 && kernelWidth > 0,
            "pool2d: kernel and stride must be positive in \(self)")
        precondition(
            2 * paddingHeight <= kernelHeight && 2 * paddingWidth <= kernelWidth,
            "pool2d: padding must be at most half the kernel (PyTorch's rule) in \(self)")
        precondition(outputHeight >= 0 && outputWidth >= 0, "pool2d: kernel larger than padded input in \(self)")
    }
}

extension Conv2dGeometry {
    /// Positive strides and dilations, a kernel, and a non-negative output size.
    func checkValid() {
        precondition(
            strideHeight > 0 && strideWidth > 0 && dilationHeight > 0 && dilationWidth > 0
                && kernelHeight > 0 && kernelWidth > 0,
            "conv2d: kernel, stride and dilation must be positive in \(self)")
        precondition(outputHeight >= 0 && outputWidth >= 0, "conv2d: kernel larger than padded input in \(self)")
    }
}
