//! Binary masks from score maps, thresholded like wsolevaluation's boxes.

/// A binary mask, row-major `values[y * width + x]` in `{0, 1}`.
public struct BinaryMask: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var values: [UInt8]

    public init(width: Int, height: Int, values: [UInt8]) {
        precondition(values.count == width * height, "BinaryMask: \(values.count) values for \(width)x\(height)")
        self.width = width
        self.height = height
        self.values = values
    }

    /// The foreground of `map` at `threshold` in `[0, 1)`, exactly as box extraction sees it:
    /// quantised to 8 bits, foreground where `level > Int(threshold · maxLevel)`. An optional
    /// elliptical closing (side `closingKernelSize`) then fills narrow gaps of the binary mask.
    public init(_ map: ScoreMap, threshold: Double, closingKernelSize: Int? = nil) {
        let quantized = QuantizedScoreMap(map)
        var values = BoxExtractor.foregroundMask(of: quantized, thresholdLevel: quantized.thresholdLevel(for: threshold))
        if let side = closingKernelSize {
            let asMap = ScoreMap(width: map.width, height: map.height, values: values.map(Float.init))
            values = MorphologicalClosing(kernelSize: side).applied(to: asMap).values.map { $0 > 0.5 ? 1 : 0 }
        }
        self.init(width: map.width, height: map.height, values: values)
    }

    /// Number of foreground pixels.
    public var foregroundCount: Int { values.reduce(0) { $0 + Int($1) } }
}
