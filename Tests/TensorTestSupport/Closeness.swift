//! Closeness checks for tests that forward the caller's source location.
import Testing

/// Expects `actual` and `expected` to agree element-wise within `atol + rtol * |expected|`.
/// Reports the count of mismatches, the largest difference and the first mismatching index.
public func expectClose(
    _ actual: [Float], _ expected: [Float], rtol: Float = 1e-5, atol: Float = 1e-6,
    _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation
) {
    guard actual.count == expected.count else {
        Issue.record("count \(actual.count) != expected \(expected.count). \(comment?.rawValue ?? "")",
                     sourceLocation: sourceLocation)
        return
    }
    var worst: Float = 0
    var firstBad: Int? = nil
    var badCount = 0
    for i in actual.indices {
        let difference = abs(actual[i] - expected[i])
        let bothNaN = actual[i].isNaN && expected[i].isNaN
        let ok = bothNaN || difference <= atol + rtol * abs(expected[i])
        if !ok {
            badCount += 1
            if firstBad == nil { firstBad = i }
        }
        if difference > worst || difference.isNaN { worst = difference }
    }
    if let first = firstBad {
        Issue.record("""
            \(badCount) of \(actual.count) elements differ; max |diff| \(worst); first at \(first): \
            \(actual[first]) vs \(expected[first]). \(comment?.rawValue ?? "")
            """, sourceLocation: sourceLocation)
    }
}
