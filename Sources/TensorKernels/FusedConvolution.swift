//! Inference convolution with a fused epilogue (residual add, activation), and its reference form.

/// The activation applied at the end of a fused convolution.
public enum FusedActivation: Hashable, Sendable {
    /// No activation.
    case identity
    /// `max(x, 0)`.
    case relu
    /// `min(max(x, 0), 6)` (MobileNetV2).
    case relu6

    /// The activation of one value.
    @inlinable public func apply(_ x: Float) -> Float {
        switch self {
        case .identity: return x
        // Written as TensorCore's `relu`/`relu6` are, so fused and separate ops agree bitwise.
        case .relu: return x > 0 ? x : 0
        case .relu6: return x > 0 ? (x < 6 ? x : 6) : 0
        }
    }
}

extension KernelSet {
    /// Reference semantics of `conv2dForwardFused`: the plain convolution into `output`, then
    /// `output = activation(output + residual)` in one pass. Kernel sets without a fused path use it.
    public func conv2dForwardFused(
        _ geometry: Conv2dGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?, activation: FusedActivation,
        output: UnsafeMutablePointer<Float>
    ) {
        conv2dForward(geometry, input: input, weight: weight, bias: bias, output: output)
        applyEpilogue(count: geometry.outputCount, residual: residual, activation: activation, output: output)
    }
}

/// `output[i] = activation(output[i] + residual[i])` over `count` elements, split over the cores.
func applyEpilogue(
    count: Int, residual: UnsafePointer<Float>?, activation: FusedActivation, output: UnsafeMutablePointer<Float>
) {
    guard residual != nil || activation != .identity else { return }
    let out = SendableMutablePointer(output)
    let skip = residual.map { SendablePointer($0) }
    parallelChunks(count: count, minimumChunk: 1 << 15) { range in
        if let skip {
            for i in range { out[i] = activation.apply(out[i] + skip[i]) }
        } else {
            for i in range { out[i] = activation.apply(out[i]) }
        }
    }
}
