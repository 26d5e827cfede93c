//! Checks a score map against wsolevaluation's contract before it is evaluated.
import WSOLLocalization

/// Why a score map cannot be evaluated (wsolevaluation's `check_scoremap_validity`).
/// Callers that read files wrap it with the file name.
public struct ScoreMapValidationError: Error, CustomStringConvertible, Sendable, Equatable {
    public var reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// Validation of score values: 2-D of the expected size, no NaN/infinity, values in `[0, 1]`.
public enum ScoreMapValidation {
    /// Checks `values` (`height * width`, row-major) and returns them, optionally clamped.
    ///
    /// - Parameters:
    ///   - shape: the array's dimensions, outermost first (must be `[expectedHeight, expectedWidth]`).
    ///   - clampOutOfRange: clamp finite values outside `[0, 1]` instead of rejecting them (for
    ///     maps with tiny overshoot such as `1.0000001`); NaN and infinities are always rejected.
    /// - Throws: ``ScoreMapValidationError`` naming the first offending element `(x, y)`.
    public static func validated(_ values: [Double], shape: [Int], expectedWidth: Int, expectedHeight: Int,
                                 clampOutOfRange: Bool) throws -> [Double] {
        guard shape.count == 2 else {
            throw ScoreMapValidationError(reason: "score map must be 2-D; it has shape \(shape)")
        }
        guard shape[0] == expectedHeight, shape[1] == expectedWidth else {
            throw ScoreMapValidationError(reason: """
                score map has shape (\(shape[0]), \(shape[1])) (height, width); \
                expected (\(expectedHeight), \(expectedWidth))
                """)
        }
        var checked = values
        for (index, value) in values.enumerated() {
            let position = "(x \(index % expectedWidth), y \(index / expectedWidth))"
            guard value.isFinite else {
                throw ScoreMapValidationError(reason: "score map contains \(value) at \(position)")
            }
            if value < 0 || value > 1 {
                guard clampOutOfRange else {
                    throw ScoreMapValidationError(reason: "score map value \(value) at \(position) is outside [0, 1]")
                }
                checked[index] = min(max(value, 0), 1)
            }
        }
        return checked
    }
}
