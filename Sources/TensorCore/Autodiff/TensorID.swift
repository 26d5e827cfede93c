//! Identity of tensor values in the autodiff graph.
import Foundation

/// A process-unique identity of a tensor value. Copies of a `Tensor` share it; every op result and
/// every mutated tensor gets a fresh one, so gradients can be keyed by it.
public struct TensorID: Hashable, Sendable, CustomStringConvertible {
    let rawValue: UInt64

    public var description: String { "#\(rawValue)" }

    private static let counter = LockedCounter()

    static func next() -> TensorID { TensorID(rawValue: counter.increment()) }
}

/// A lock-protected counter; the only global mutable state of the engine besides the kernel set.
final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value: UInt64 = 0

    func increment() -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        value &+= 1
        return value
    }
}
