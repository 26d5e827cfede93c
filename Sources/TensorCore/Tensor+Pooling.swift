//! Pooling: max, average, adaptive average and global average pooling over NCHW.
import TensorKernels

/// Max pooling of `[N, C, H, W]` with a `kernelSize` window (PyTorch `max_pool2d`; padding is
/// `-inf`). `stride` defaults to the kernel size. The gradient goes to the first maximum.
public func maxPool2d(_ x: Tensor, kernelSize: Int, stride: Int? = nil, padding: Int = 0,
                      ceilMode: Bool = false) -> Tensor {
    pool2d(x, kernelSize: kernelSize, stride: stride ?? kernelSize, padding: padding, ceilMode: ceilMode, kind: .max)
}

/// Average pooling of `[N, C, H, W]` (PyTorch `avg_pool2d`). With `countIncludePad` (PyTorch's
/// default) padded zeros count in the divisor.
public func avgPool2d(_ x: Tensor, kernelSize: Int, stride: Int? = nil, padding: Int = 0,
                      ceilMode: Bool = false, countIncludePad: Bool = true) -> Tensor {
    pool2d(x, kernelSize: kernelSize, stride: stride ?? kernelSize, padding: padding, ceilMode: ceilMode,
           kind: countIncludePad ? .averageIncludingPadding : .averageExcludingPadding)
}

private func pool2d(_ x: Tensor, kernelSize: Int, stride: Int, padding: Int, ceilMode: Bool,
                    kind: PoolingKind) -> Tensor {
    precondition(x.rank == 4, "pool2d: input \(x.shape) must be [N, C, H, W]")
    precondition(kernelSize > 0 && stride > 0 && padding >= 0 && padding * 2 <= kernelSize,
                 "pool2d: kernel \(kernelSize), stride \(stride), padding \(padding) invalid (padding <= kernel / 2)")
    let geometry = Pool2dGeometry(
        batch: x.shape[0], channels: x.shape[1], inputHeight: x.shape[2], inputWidth: x.shape[3],
        kernelHeight: kernelSize, kernelWidth: kernelSize, strideHeight: stride, strideWidth: stride,
        paddingHeight: padding, paddingWidth: padding, ceilMode: ceilMode, kind: kind)
    precondition(geometry.outputHeight > 0 && geometry.outputWidth > 0,
                 "pool2d: kernel \(kernelSize) larger than padded input \(x.shape)")
    let kernels = TensorRuntime.kernels
    let shape = [geometry.batch, geometry.channels, geometry.outputHeight, geometry.outputWidth]
    return Tensor.makeResult(shape: shape, recording: .pool2d(x, geometry: geometry)) { out in
        kernels.pool2dForward(geometry, input: x.basePointer, output: out.baseAddress!)
    }
}

/// Backward of max/average pooling through the kernel set.
func pool2dBackward(input: Tensor, geometry: Pool2dGeometry, gradient: Tensor) -> Tensor {
    let kernels = TensorRuntime.kernels
    return Tensor.makeConstant(shape: input.shape) { out in
        kernels.pool2dBackward(geometry, input: input.basePointer, outputGradient: gradient.basePointer,
                               inputGradient: out.baseAddress!)
    }
}

/// Adaptive average pooling of `[N, C, H, W]` to `[N, C, outputHeight, outputWidth]`
/// (PyTorch: window `i` spans `floor(i·H/out) ..< ceil((i+1)·H/out)`).
public func adaptiveAvgPool2d(_ x: Tensor, outputHeight: Int, outputWidth: Int) -> Tensor {
    precondition(x.rank == 4 && outputHeight > 0 && outputWidth > 0,
                 "adaptiveAvgPool2d: input \(x.shape) must be NCHW, output size positive")
    if outputHeight == 1 && outputWidth == 1 { return globalAvgPool2d(x) }
    let shape = [x.shape[0], x.shape[1], outputHeight, outputWidth]
    let (height, width) = (x.shape[2], x.shape[3])
    let source = x.basePointer
    return Tensor.makeResult(shape: shape, recording: .adaptiveAveragePool(x)) { out in
        for plane in 0..<(x.shape[0] * x.shape[1]) {
            let input = source + plane * height * width, output = out.baseAddress! + plane * outputHeight * outputWidth
            for oy in 0..<outputHeight {
                let (y0, y1) = adaptiveWindow(oy, input: height, output: outputHeight)
                for ox in 0..<outputWidth {
                    let (x0, x1) = adaptiveWindow(ox, input: width, output: outputWidth)
                    var total: Float = 0
                    for y in y0..<y1 { for x in x0..<x1 { total += input[y * width + x] } }
                    output[oy * outputWidth + ox] = total / Float((y1 - y0) * (x1 - x0))
                }
            }
        }
    }
}

/// Global average pooling: `[N, C, H, W]` -> `[N, C, 1, 1]` (mean over each plane).
public func globalAvgPool2d(_ x: Tensor) -> Tensor {
    precondition(x.rank == 4, "globalAvgPool2d: input \(x.shape) must be [N, C, H, W]")
    return x.mean(axes: [2, 3], keepDims: true)
}

/// PyTorch's adaptive window `[floor(i·in/out), ceil((i+1)·in/out))`.
func adaptiveWindow(_ index: Int, input: Int, output: Int) -> (Int, Int) {
    (index * input / output, ((index + 1) * input + output - 1) / output)
}

/// Backward of adaptive average pooling: each output gradient spread evenly over its window.
func adaptiveAvgPool2dBackward(input: Tensor, gradient: Tensor) -> Tensor {
    let (height, width) = (input.shape[2], input.shape[3])
    let (outputHeight, outputWidth) = (gradient.shape[2], gradient.shape[3])
    let upstream = gradient.basePointer
    return Tensor.makeConstant(shape: input.shape) { out in
        out.initialize(repeating: 0)
        for plane in 0..<(input.shape[0] * input.shape[1]) {
            let target = out.baseAddress! + plane * height * width
            let source = upstream + plane * outputHeight * outputWidth
            for oy in 0..<outputHeight {
                let (y0, y1) = adaptiveWindow(oy, input: height, output: outputHeight)
                for ox in 0..<outputWidth {
                    let (x0, x1) = adaptiveWindow(ox, input: width, output: outputWidth)
                    let share = source[oy * outputWidth + ox] / Float((y1 - y0) * (x1 - x0))
                    for y in y0..<y1 { for x in x0..<x1 { target[y * width + x] += share } }
                }
            }
        }
    }
}
