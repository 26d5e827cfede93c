//! `ImageBatch` as a TensorCore tensor.
import TensorCore

extension ImageBatch {
    /// The normalised pixels as an `[n, 3, h, w]` tensor (one copy of the buffer).
    public var tensor: Tensor { Tensor(shape: shape, scalars: pixels) }
}
