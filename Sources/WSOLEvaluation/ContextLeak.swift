//! The context-leak figure: how much of a score map's mass lies on the background.

/// Share of a score map's mass outside the object mask (CI-CAM's claim is that the causal
/// intervention lowers it): `Σ_{background} s / Σ_{foreground ∪ background} s` for a map `s`
/// in [0, 1] at the mask's size; pixels marked ignored count in neither sum.
public enum ContextLeak {
    /// The share in [0, 1]; nil when the map has no mass on the counted pixels (an all-zero map).
    public static func share<Value: BinaryFloatingPoint>(map: [Value], mask: GroundTruthMask) -> Double? {
        precondition(map.count == mask.labels.count, "ContextLeak: a map of \(map.count) values for a mask of \(mask.labels.count)")
        var (outside, total) = (0.0, 0.0)
        for (value, label) in zip(map, mask.labels) where label != GroundTruthMask.ignored {
            total += Double(value)
            if label == GroundTruthMask.background { outside += Double(value) }
        }
        return total > 0 ? outside / total : nil
    }
}

/// The mean context leak over a split, in percent.
public struct ContextLeakAccumulator: Sendable {
    public private(set) var sum = 0.0
    public private(set) var imageCount = 0
    public init() {}

    /// Adds one image (images whose map has no mass are skipped).
    public mutating func accumulate<Value: BinaryFloatingPoint>(map: [Value], mask: GroundTruthMask) {
        guard let share = ContextLeak.share(map: map, mask: mask) else { return }
        sum += share
        imageCount += 1
    }

    /// Adds another accumulator's images (after this one's, for a fixed summation order).
    public mutating func merge(_ other: ContextLeakAccumulator) {
        add(sum: other.sum, imageCount: other.imageCount)
    }

    /// Adds a partial sum of shares over `imageCount` images (data-parallel merging).
    public mutating func add(sum partial: Double, imageCount count: Int) {
        sum += partial
        imageCount += count
    }

    /// Mean share × 100; nil before any image.
    public var meanPercent: Double? { imageCount > 0 ? sum * 100 / Double(imageCount) : nil }
}
