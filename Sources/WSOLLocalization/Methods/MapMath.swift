//! Small tensor helpers shared by the methods: channel-weighted sums and per-image norms.
import TensorCore

enum MapMath {
    /// `M[n, 0] = Σ_k weights[n, k] · activation[n, k]`: `[N, C, h, w]` and `[N, C]` -> `[N, 1, h, w]`.
    static func weightedChannelSum(_ activation: Tensor, weights: Tensor) -> Tensor {
        let shape = activation.shape
        let broadcastable = weights.reshaped(to: [shape[0], shape[1], 1, 1])
        return (activation * broadcastable).sum(axes: [1], keepDims: true)
    }

    /// `M[n, 0] = Σ_k a[n, k] ⊙ b[n, k]`: two `[N, C, h, w]` -> `[N, 1, h, w]`.
    static func channelDot(_ a: Tensor, _ b: Tensor) -> Tensor {
        (a * b).sum(axes: [1], keepDims: true)
    }

    /// Sum over the spatial axes of `[N, C, h, w]`, keeping them: `[N, C, 1, 1]`.
    static func spatialSum(_ x: Tensor) -> Tensor {
        x.sum(axes: [2, 3], keepDims: true)
    }

    /// Each image's tensor divided by its L2 norm over all `C·h·w` entries (DGL's whole-tensor
    /// normalisation). An all-zero image stays zero instead of becoming NaN.
    static func imageL2Normalized(_ x: Tensor) -> Tensor {
        let norms = sqrt((x * x).sum(axes: [1, 2, 3], keepDims: true))
        return x / clamp(norms, min: Float.leastNormalMagnitude)
    }

    /// Image `n` of a batch as a batch of one, `[1, ...]`.
    static func image(_ x: Tensor, _ n: Int) -> Tensor {
        x.sliced(axis: 0, range: n..<(n + 1))
    }
}
