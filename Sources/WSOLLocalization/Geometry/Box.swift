//! Axis-aligned boxes with inclusive corners and wsolevaluation's IoU.

/// An axis-aligned box in pixel coordinates with **inclusive** corners: the box covers columns
/// `x0...x1` and rows `y0...y1`, so `Box(x0: 0, y0: 0, x1: 0, y1: 0)` is one pixel.
///
/// `x` is the column, `y` the row. Corners are not required to be ordered (`x1 < x0` gives a
/// non-positive width); such boxes are what ``intersectionOverUnion(_:_:)`` calls degenerate.
public struct Box: Sendable, Hashable, CustomStringConvertible {
    public var x0: Int
    public var y0: Int
    public var x1: Int
    public var y1: Int

    public init(x0: Int, y0: Int, x1: Int, y1: Int) {
        self.x0 = x0
        self.y0 = y0
        self.x1 = x1
        self.y1 = y1
    }

    /// The single-pixel box at the origin that wsolevaluation returns when a map has no contour.
    public static let zero = Box(x0: 0, y0: 0, x1: 0, y1: 0)

    /// Width in pixels, `x1 - x0 + 1` (inclusive corners).
    public var width: Int { x1 - x0 + 1 }
    /// Height in pixels, `y1 - y0 + 1` (inclusive corners).
    public var height: Int { y1 - y0 + 1 }
    /// `width * height` in pixels (may be non-positive for unordered corners).
    public var area: Int { width * height }
    /// True when `x0 <= x1` and `y0 <= y1` (wsolevaluation's `check_box_convention`).
    public var hasOrderedCorners: Bool { x0 <= x1 && y0 <= y1 }

    public var description: String { "(\(x0), \(y0), \(x1), \(y1))" }
}

/// Intersection over union of two inclusive boxes, as wsolevaluation's `calculate_multiple_iou`.
///
/// `inter = max(0, min(x1a, x1b) - max(x0a, x0b) + 1) * max(0, min(y1a, y1b) - max(y0a, y0b) + 1)`,
/// `IoU = inter / (areaA + areaB - inter)` in Double; a non-positive denominator gives 0.
/// Two identical one-pixel boxes (e.g. two ``Box/zero``) have IoU 1.
public func intersectionOverUnion(_ a: Box, _ b: Box) -> Double {
    let overlapWidth = max(0, min(a.x1, b.x1) - max(a.x0, b.x0) + 1)
    let overlapHeight = max(0, min(a.y1, b.y1) - max(a.y0, b.y0) + 1)
    let intersection = overlapWidth * overlapHeight
    let denominator = a.area + b.area - intersection
    // The reference divides int arrays (true division in float64) and zeroes degenerate cells.
    guard denominator > 0 else { return 0 }
    return Double(intersection) / Double(denominator)
}

/// The largest IoU between `box` and any of `groundTruth` (0 if `groundTruth` is empty).
public func bestIntersectionOverUnion(_ box: Box, _ groundTruth: [Box]) -> Double {
    var best = 0.0
    for target in groundTruth {
        let iou = intersectionOverUnion(box, target)
        if iou > best { best = iou }
    }
    return best
}

extension Box {
    /// Rescales a box given in an image of `imageSize` pixels to a frame of `frameSize` pixels,
    /// truncating toward zero like wsolevaluation's `resize_bbox`: `x' = Int(x * frameW / imageW)`.
    ///
    /// - Parameters:
    ///   - corners: `(x0, y0, x1, y1)` as read from `localization.txt` (original pixels).
    ///   - imageSize: original `(width, height)` in pixels.
    ///   - frameSize: evaluation frame `(width, height)`, `(224, 224)` in the protocol.
    public static func resized(
        corners: (x0: Double, y0: Double, x1: Double, y1: Double),
        imageSize: (width: Int, height: Int), frameSize: (width: Int, height: Int)
    ) -> Box {
        let imageWidth = Double(imageSize.width), imageHeight = Double(imageSize.height)
        let frameWidth = Double(frameSize.width), frameHeight = Double(frameSize.height)
        // Same operation order as the reference: (x * new) / old, then int() truncation.
        return Box(x0: Int((corners.x0 * frameWidth / imageWidth).rounded(.towardZero)),
                   y0: Int((corners.y0 * frameHeight / imageHeight).rounded(.towardZero)),
                   x1: Int((corners.x1 * frameWidth / imageWidth).rounded(.towardZero)),
                   y1: Int((corners.y1 * frameHeight / imageHeight).rounded(.towardZero)))
    }
}
