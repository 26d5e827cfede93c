//! Averaging gradients over ranks before each optimizer step (data-parallel training).
import TensorCore

/// Averages the gradients of a fixed list of parameters over all ranks, packing them into
/// buckets of about `bucketBytes` so that the reductions of several buckets overlap (Horovod's
/// tensor fusion). The parameter order, and so the bucket layout, is the same on every rank.
///
/// Why not overlap with the backward pass: `Tensor.backward()` walks the whole tape and hands
/// back every gradient at the end; a gradient is not known to be final before that (a weight
/// may be used twice). Reductions start as soon as the backward returns.
public final class GradientAverager {
    public let communicator: any Communicator
    /// Target bucket size in bytes (25 MiB, PyTorch DDP's default).
    public let bucketBytes: Int
    /// Seconds spent in the last ``average(_:parameters:)`` (packing, reduction, unpacking).
    public private(set) var lastSeconds = 0.0
    private var packed: [Float] = []

    public init(communicator: any Communicator, bucketBytes: Int = 25 << 20) {
        precondition(bucketBytes >= 4, "GradientAverager: bucketBytes must hold a float")
        self.communicator = communicator
        self.bucketBytes = bucketBytes
    }

    /// The mean over ranks of the gradient of each of `parameters` (their current values, as the
    /// optimizer keys them). Parameters without a gradient stay without one; that set must be the
    /// same on every rank. With one rank, `gradients` is returned unchanged.
    public func average(_ gradients: Gradients, parameters: [Tensor]) -> Gradients {
        guard communicator.size > 1 else { return gradients }
        let started = ContinuousClock.now
        defer { lastSeconds = Self.seconds(ContinuousClock.now - started) }
        let present = parameters.compactMap { parameter in gradients[parameter].map { (parameter, $0) } }
        let total = present.reduce(0) { $0 + $1.1.count }
        if packed.count != total { packed = [Float](repeating: 0, count: total) }
        let scale = 1 / Float(communicator.size)
        return packed.withUnsafeMutableBufferPointer { buffer in
            var offset = 0
            for (_, gradient) in present {
                gradient.withUnsafeBufferPointer { source in
                    for index in 0..<source.count { buffer[offset + index] = source[index] * scale }
                }
                offset += gradient.count
            }
            communicator.allreduceSum(buckets: Self.buckets(of: buffer, floatsPerBucket: max(1, bucketBytes / 4)))
            offset = 0
            var pairs: [(tensor: Tensor, gradient: Tensor)] = []
            for (parameter, gradient) in present {
                let slice = UnsafeBufferPointer(rebasing: buffer[offset..<offset + gradient.count])
                pairs.append((parameter, Tensor(shape: gradient.shape, copying: slice)))
                offset += gradient.count
            }
            return Gradients(pairs)
        }
    }

    /// Consecutive pieces of `buffer`, each at most `floatsPerBucket` long.
    public static func buckets(of buffer: UnsafeMutableBufferPointer<Float>, floatsPerBucket: Int) -> [UnsafeMutableBufferPointer<Float>] {
        stride(from: 0, to: buffer.count, by: floatsPerBucket).map { start in
            UnsafeMutableBufferPointer(rebasing: buffer[start..<min(start + floatsPerBucket, buffer.count)])
        }
    }

    /// A duration in seconds.
    public static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
