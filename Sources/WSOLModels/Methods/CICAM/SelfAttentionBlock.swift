//! The self-attention (non-local) block CI-CAM inserts after backbone stages (methods.md §5.2).
import TensorCore
import TensorNN

/// SAGAN-style self-attention over the `h·w` positions of a feature map `x` `[N, C, h, w]`:
/// `q = query(x)`, `k = key(x)` (1x1 convs C -> max(C/8, 1)), `v = value(x)` (1x1 conv C -> C),
/// `A = softmax_j(q_i · k_j)` `[N, hw, hw]`, `o_i = Σ_j A[i, j]·v_j`, and the output
/// `x + BN(mix(o))` with `mix` a 1x1 conv C -> C. The BN's γ and β start at 0, so a freshly
/// built block is the identity and inserting it does not disturb a pretrained backbone.
public final class SelfAttentionBlock: Layer {
    public let query: Conv2d
    public let key: Conv2d
    public let value: Conv2d
    public let mix: Conv2d
    public let norm: BatchNorm2d
    public var isTraining = true

    /// - Parameter channels: C, the channels of the feature map the block is applied to.
    public init(channels: Int, using generator: inout RandomGenerator) {
        precondition(channels > 0, "SelfAttentionBlock: channels must be positive")
        let reduced = max(channels / 8, 1)
        query = Conv2d(channels, reduced, kernelSize: 1, using: &generator)
        key = Conv2d(channels, reduced, kernelSize: 1, using: &generator)
        value = Conv2d(channels, channels, kernelSize: 1, using: &generator)
        mix = Conv2d(channels, channels, kernelSize: 1, using: &generator)
        norm = BatchNorm2d(channels)
        norm.weight.value = Tensor.zeros(shape: [channels])
    }

    public var children: [(String, any Module)] {
        [("query_conv", query), ("key_conv", key), ("value_conv", value), ("mix_conv", mix), ("bn", norm)]
    }

    /// `[N, C, h, w]` -> `[N, C, h, w]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let (count, channels, rows, columns) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let positions = rows * columns
        let queries = query(x).reshaped(to: [count, -1, positions])
        let keys = key(x).reshaped(to: [count, -1, positions])
        // energy[i, j] = q_i · k_j; rows are softmax-normalised over j.
        let attention = softmax(matmul(queries, keys, transposeA: true), axis: -1)
        let values = value(x).reshaped(to: [count, channels, positions])
        let attended = matmul(values, attention, transposeB: true).reshaped(to: [count, channels, rows, columns])
        return x + norm(mix(attended))
    }
}
