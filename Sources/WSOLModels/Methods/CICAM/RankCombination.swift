//! CI-CAM's "combinational CAM": one map per image from the class maps of every class, weighted
//! by the rank of the class in the prediction (methods.md §5.5).

/// How the class maps are weighted by rank `r` (0 = top-1) of `K` classes.
public enum RankCombination: String, CaseIterable, Sendable, Codable {
    /// `h(r) = −(r/(K−1))²`: the top-1 class gets weight 0, so the map is minus a rank-weighted sum
    /// of the lower-ranked classes' maps (negative on the object). As in the official code (CUB).
    case quadratic
    /// `h(r) = 1 − 2r/(K−1)` (linspace 1 … −1).
    case linear
    /// Top-1 map minus `(1/m)·Σ_j s_j·map_{π(K−m+j)}` over the m lowest-ranked classes,
    /// `s_j = 2j/(m−1)` (linspace 0 … 2); ImageNet's choice with m = 20.
    case sum1 = "sum_1"
    /// As `sum_1` with `s_j = 4j/(m−1)` (linspace 0 … 4).
    case sum2 = "sum_2"
    /// No combination: the class map of the class asked for (the ground truth in evaluation).
    case none

    /// The weight of each rank, `K` values (rank 0 first); all zeros for `.none`.
    /// - Parameter lowestCount: m of `sum_1`/`sum_2`, clamped to `1...K` (K < 20 on small sets).
    public func rankWeights(classCount: Int, lowestCount: Int = 20) -> [Float] {
        let count = classCount
        precondition(count > 0, "RankCombination: class count must be positive")
        func spaced(_ start: Float, _ end: Float, _ steps: Int) -> [Float] {
            steps == 1 ? [start] : (0..<steps).map { start + (end - start) * Float($0) / Float(steps - 1) }
        }
        switch self {
        case .quadratic: return spaced(0, -1, count).map { -($0 * $0) }
        case .linear: return spaced(1, -1, count)
        case .sum1, .sum2:
            let lowest = min(max(lowestCount, 1), count)
            var weights = [Float](repeating: 0, count: count)
            weights[0] = 1
            for (offset, scale) in spaced(0, self == .sum1 ? 2 : 4, lowest).enumerated() {
                weights[count - lowest + offset] -= scale / Float(lowest)
            }
            return weights
        case .none: return [Float](repeating: 0, count: count)
        }
    }

    /// The combined map of one image: `Σ_r h(r)·maps[π(r)]`, minus its minimum (official code).
    /// - Parameters:
    ///   - maps: the `K` class maps `[K, plane]` row-major.
    ///   - ranking: classes by descending score (`π`).
    public func combine(maps: [Float], ranking: [Int], plane: Int, lowestCount: Int = 20) -> [Float] {
        let weights = rankWeights(classCount: ranking.count, lowestCount: lowestCount)
        precondition(maps.count == ranking.count * plane, "RankCombination: \(maps.count) values for \(ranking.count) maps")
        var combined = [Float](repeating: 0, count: plane)
        for (rank, classIndex) in ranking.enumerated() where weights[rank] != 0 {
            let base = classIndex * plane
            for index in 0..<plane { combined[index] += weights[rank] * maps[base + index] }
        }
        let low = combined.min() ?? 0
        return combined.map { $0 - low }
    }
}
