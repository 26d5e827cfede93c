//! Runs a test body once per kernel set, so TensorCore ops are checked on both implementations.
import TensorCore
import TensorKernels

/// The kernel sets TensorCore can run on, as test arguments:
/// `@Test(arguments: KernelChoice.allCases) func f(kernels: KernelChoice)`.
public enum KernelChoice: String, CaseIterable, Sendable, CustomStringConvertible {
    case reference
    case accelerated

    public var description: String { rawValue }

    /// The kernel set this choice names.
    public var kernels: any KernelSet {
        switch self {
        case .reference: Kernels.reference
        case .accelerated: Kernels.accelerated
        }
    }

    /// Runs `body` with this kernel set active (task-local: parallel tests do not interfere).
    public func run<R>(_ body: () throws -> R) rethrows -> R {
        try TensorRuntime.withKernels(kernels, body)
    }
}
