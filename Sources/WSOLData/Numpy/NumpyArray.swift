//! NumPy `.npy` arrays of float32/float64: the score-map exchange format of wsolevaluation.
import Foundation

/// A floating-point array read from or written to a `.npy` file, in C (row-major) order.
///
/// float32 files keep `Float` elements and float64 files `Double` elements, so score maps keep
/// their precision until they are quantised (which the reference does in float64).
public struct NumpyArray: Sendable, Equatable {
    /// The element storage, by file dtype.
    public enum Elements: Sendable, Equatable {
        case float32([Float])
        case float64([Double])
    }

    /// Dimensions, outermost first (`[height, width]` for a score map).
    public let shape: [Int]
    public let elements: Elements

    /// Precondition: the element count is the product of `shape`.
    public init(shape: [Int], elements: Elements) {
        precondition(shape.reduce(1, *) == elements.count,
                     "NumpyArray: \(elements.count) elements for shape \(shape)")
        self.shape = shape
        self.elements = elements
    }

    /// Number of elements.
    public var count: Int { elements.count }

    /// The elements widened to Double (exact for float32).
    public var doubleValues: [Double] {
        switch elements {
        case .float32(let values): return values.map(Double.init)
        case .float64(let values): return values
        }
    }
}

extension NumpyArray.Elements {
    public var count: Int {
        switch self {
        case .float32(let values): return values.count
        case .float64(let values): return values.count
        }
    }
}

/// Why a `.npy` file could not be read or written. The description names the file.
public struct NumpyError: Error, CustomStringConvertible, Sendable, Equatable {
    public var path: String
    public var reason: String
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var description: String { "\(path): \(reason)" }
}
