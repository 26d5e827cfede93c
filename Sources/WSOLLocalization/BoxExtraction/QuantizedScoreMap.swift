//! The 8-bit form of a score map that wsolevaluation thresholds.

/// A score map quantised to 8 bits as wsolevaluation does: `level = UInt8(trunc(value * 255))`,
/// the multiplication done in Double (the reference casts every map to float64 first).
///
/// Row-major `levels[y * width + x]`. Box extraction thresholds these levels with a strict `>`
/// against an integer level derived from the threshold (``thresholdLevel(for:)``).
public struct QuantizedScoreMap: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// `height * width` quantised scores in `0...255`.
    public let levels: [UInt8]
    /// The largest level in the map (255 for a min-max normalised map, 0 for an all-zero map).
    public let maxLevel: Int

    /// Quantises a map whose values are in `[0, 1]` (validated by the caller; values outside are
    /// clamped to `0...255` after truncation rather than wrapping like NumPy's uint8 cast).
    public init(_ map: ScoreMap) {
        let (levels, maxLevel) = map.values.withUnsafeBufferPointer { QuantizedScoreMap.quantize($0) }
        self.init(width: map.width, height: map.height, levels: levels, maxLevel: maxLevel)
    }

    /// Quantises float64 values (`height * width`, row-major) in `[0, 1]`; float64 score files keep
    /// their precision this way, which matters for values within 1e-7 of a multiple of 1/255.
    public init(width: Int, height: Int, doubleValues: [Double]) {
        let (levels, maxLevel) = doubleValues.withUnsafeBufferPointer { QuantizedScoreMap.quantize($0) }
        self.init(width: width, height: height, levels: levels, maxLevel: maxLevel)
    }

    /// Wraps levels that are already quantised.
    public init(width: Int, height: Int, levels: [UInt8]) {
        precondition(levels.count == width * height, "QuantizedScoreMap: \(levels.count) levels for \(width)x\(height)")
        self.width = width
        self.height = height
        self.levels = levels
        self.maxLevel = Int(levels.max() ?? 0)
    }

    private init(width: Int, height: Int, levels: [UInt8], maxLevel: Int) {
        precondition(width > 0 && height > 0 && levels.count == width * height,
                     "QuantizedScoreMap: \(levels.count) values for \(width)x\(height)")
        self.width = width
        self.height = height
        self.levels = levels
        self.maxLevel = maxLevel
    }

    private static func quantize<Value: BinaryFloatingPoint>(_ values: UnsafeBufferPointer<Value>) -> ([UInt8], Int) {
        var maxLevel: UInt8 = 0
        let levels = [UInt8](unsafeUninitializedCapacity: values.count) { buffer, initialized in
            for index in 0..<values.count {
                let scaled = Double(values[index]) * 255
                // Truncation toward zero, as NumPy's astype(np.uint8) for in-range values.
                let level: UInt8 = scaled >= 255 ? 255 : (scaled > 0 ? UInt8(scaled) : 0)
                buffer[index] = level
                maxLevel = max(maxLevel, level)
            }
            initialized = values.count
        }
        return (levels, Int(maxLevel))
    }

    /// The integer level a threshold in `[0, 1)` maps to: `Int(threshold * maxLevel)` in Double,
    /// truncated (the reference's `int(threshold * np.max(scoremap_image))`). Foreground is
    /// `level > thresholdLevel`.
    public func thresholdLevel(for threshold: Double) -> Int {
        Int((threshold * Double(maxLevel)).rounded(.towardZero))
    }
}

/// The threshold grid `np.arange(0, 1, interval)`: `count = ceil(1 / interval)` thresholds
/// `k * interval` computed in Double (NumPy fills arange as `start + k * step`).
public struct ThresholdGrid: Sendable, Equatable {
    /// The step (wsolevaluation's `cam_curve_interval`): 0.001 in its pipeline, 0.01 in its CLI.
    public let interval: Double
    /// `0, interval, 2 * interval, ...`, all `< 1`.
    public let thresholds: [Double]

    /// Precondition: `0 < interval <= 1`.
    public init(interval: Double) {
        precondition(interval > 0 && interval <= 1, "ThresholdGrid: interval \(interval) must be in (0, 1]")
        self.interval = interval
        let count = Int((1.0 / interval).rounded(.up))
        self.thresholds = (0..<count).map { Double($0) * interval }
    }

    public var count: Int { thresholds.count }
}
