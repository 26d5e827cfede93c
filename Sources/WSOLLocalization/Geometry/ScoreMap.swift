//! 2-D localisation score maps.

/// A 2-D map of localisation scores, row-major: `values[y * width + x]`, `x` the column.
///
/// Evaluated maps hold values in `[0, 1]` at the protocol's input size (224x224 for
/// wsolevaluation). The type itself does not enforce the range; evaluation validates it.
public struct ScoreMap: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// `height * width` scores, row-major.
    public var values: [Float]

    /// Wraps `values` (`height * width`, row-major). Precondition: the count matches.
    public init(width: Int, height: Int, values: [Float]) {
        precondition(width > 0 && height > 0, "ScoreMap: size \(width)x\(height) must be positive")
        precondition(values.count == width * height,
                     "ScoreMap: \(values.count) values for \(width)x\(height)")
        self.width = width
        self.height = height
        self.values = values
    }

    /// A map filled with `value`.
    public init(width: Int, height: Int, repeating value: Float) {
        self.init(width: width, height: height, values: [Float](repeating: value, count: width * height))
    }

    /// The score at column `x`, row `y`.
    public subscript(x: Int, y: Int) -> Float {
        get { values[y * width + x] }
        set { values[y * width + x] = newValue }
    }
}

extension ScoreMap {
    /// Min-max normalisation as wsolevaluation's `normalize_scoremap`: `(v - min) / max(v - min)`.
    ///
    /// A map containing NaN (or an infinity, which would produce NaN) or a constant map becomes
    /// all zeros, as in the reference. The input is not modified.
    public func minMaxNormalized() -> ScoreMap {
        var minimum = Float.infinity, maximum = -Float.infinity
        for value in values {
            guard value.isFinite else { return ScoreMap(width: width, height: height, repeating: 0) }
            minimum = Swift.min(minimum, value)
            maximum = Swift.max(maximum, value)
        }
        guard minimum != maximum else { return ScoreMap(width: width, height: height, repeating: 0) }
        // Same two steps as the reference (`cam -= cam.min(); cam /= cam.max()`), so rounding agrees
        // with NumPy on float32 input.
        let range = maximum - minimum
        return ScoreMap(width: width, height: height, values: values.map { ($0 - minimum) / range })
    }
}
