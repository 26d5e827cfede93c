//! Plain-Swift reference kernels: the specification every accelerated kernel is tested against.
//!
//! Naive loops written for clarity, not speed. Sums accumulate in Double so that the reference is
//! more accurate than any Float32 implementation it judges. The kernels themselves live in
//! `ReferenceKernels+Gemm.swift`, `+Convolution`, `+Pooling`, `+BatchNorm`.

/// Naive reference implementation of ``KernelSet``.
public struct ReferenceKernels: KernelSet {
    public init() {}
    public var name: String { "reference" }
}
