//! Ground-truth masks for PxAP/PIoU: foreground, background and ignored pixels (methods.md §2.3).

/// A decoded 8-bit single-channel image (e.g. a mask PNG), row-major `pixels[y * width + x]`.
public struct GrayPlane: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let pixels: [UInt8]
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height, "GrayPlane: \(pixels.count) pixels for \(width)x\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Nearest-neighbour resize as OpenCV's `INTER_NEAREST`: destination column `x` reads source
    /// column `min(floor(x * (1 / (dstW / srcW))), srcW - 1)` (no half-pixel offset; the scale is
    /// inverted in Double exactly as OpenCV does, which differs from `x * srcW / dstW` at a few
    /// exact multiples; checked against cv2 for every source width up to 1199).
    public func resizedNearest(width newWidth: Int, height newHeight: Int) -> GrayPlane {
        let columns = GrayPlane.nearestSourceIndices(source: width, destination: newWidth)
        let rows = GrayPlane.nearestSourceIndices(source: height, destination: newHeight)
        var output = [UInt8](repeating: 0, count: newWidth * newHeight)
        for (y, sourceY) in rows.enumerated() {
            for (x, sourceX) in columns.enumerated() {
                output[y * newWidth + x] = pixels[sourceY * width + sourceX]
            }
        }
        return GrayPlane(width: newWidth, height: newHeight, pixels: output)
    }

    static func nearestSourceIndices(source: Int, destination: Int) -> [Int] {
        let inverseScale = 1.0 / (Double(destination) / Double(source))
        return (0..<destination).map { min(Int((Double($0) * inverseScale).rounded(.down)), source - 1) }
    }
}

/// Per-pixel ground truth for mask metrics: ``foreground`` (1), ``background`` (0) or
/// ``ignored`` (255, excluded from positives and negatives), row-major.
public struct GroundTruthMask: Sendable, Equatable {
    public static let background: UInt8 = 0
    public static let foreground: UInt8 = 1
    public static let ignored: UInt8 = 255

    public let width: Int
    public let height: Int
    public let labels: [UInt8]

    public init(width: Int, height: Int, labels: [UInt8]) {
        precondition(labels.count == width * height, "GroundTruthMask: \(labels.count) labels for \(width)x\(height)")
        self.width = width
        self.height = height
        self.labels = labels
    }

    /// wsolevaluation's `get_mask`: every plane resized to `width x height` with nearest
    /// neighbour; foreground = any instance pixel `> 0` (the reference's `> 0.5` on 0-255 values);
    /// ignored = ignore-plane pixel `> 0` that is not foreground; the rest background.
    ///
    /// - Parameters:
    ///   - instances: one decoded mask per object instance (any size).
    ///   - ignore: the image's ignore-box mask, if it has one.
    public static func combining(instances: [GrayPlane], ignore: GrayPlane?, width: Int = 224,
                                 height: Int = 224) -> GroundTruthMask {
        var labels = [UInt8](repeating: background, count: width * height)
        if let ignore {
            let resized = ignore.resizedNearest(width: width, height: height)
            for index in labels.indices where resized.pixels[index] > 0 { labels[index] = ignored }
        }
        for instance in instances {
            let resized = instance.resizedNearest(width: width, height: height)
            for index in labels.indices where resized.pixels[index] > 0 { labels[index] = foreground }
        }
        return GroundTruthMask(width: width, height: height, labels: labels)
    }
}
