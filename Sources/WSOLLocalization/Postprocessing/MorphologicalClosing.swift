//! Grey-level morphological closing with OpenCV's elliptical structuring element.

/// Closing (dilation, then erosion) with an elliptical kernel, as `cv2.morphologyEx(map,
/// MORPH_CLOSE, getStructuringElement(MORPH_ELLIPSE, (k, k)))`: pixels outside the map are ignored
/// (OpenCV's default border for morphology). Fills gaps and dents narrower than the kernel; on a
/// binary 0/1 map it is binary closing.
public struct MorphologicalClosing: Sendable, Hashable {
    /// Kernel side in pixels (odd, >= 1).
    public let kernelSize: Int
    /// `(dx, dy)` offsets of the kernel's pixels relative to its centre.
    public let offsets: [(dx: Int, dy: Int)]

    public init(kernelSize: Int) {
        precondition(kernelSize >= 1 && kernelSize % 2 == 1, "MorphologicalClosing: kernel size \(kernelSize) must be odd and positive")
        self.kernelSize = kernelSize
        self.offsets = Self.ellipse(kernelSize)
    }

    public static func == (a: Self, b: Self) -> Bool { a.kernelSize == b.kernelSize }
    public func hash(into hasher: inout Hasher) { hasher.combine(kernelSize) }

    /// OpenCV's `MORPH_ELLIPSE` rows: half-width `round(c · sqrt(1 − dy²/r²))` with `r = c = k/2`
    /// (5 gives the rows 1, 5, 5, 5, 1 pixels wide).
    static func ellipse(_ size: Int) -> [(dx: Int, dy: Int)] {
        let radius = size / 2
        guard radius > 0 else { return [(0, 0)] }
        var offsets: [(dx: Int, dy: Int)] = []
        for dy in -radius...radius {
            let ratio = Double(radius * radius - dy * dy) / Double(radius * radius)
            let halfWidth = Int((Double(radius) * ratio.squareRoot()).rounded(.toNearestOrEven))
            for dx in -halfWidth...halfWidth { offsets.append((dx, dy)) }
        }
        return offsets
    }

    /// The closed map (same size).
    public func applied(to map: ScoreMap) -> ScoreMap {
        let dilated = filter(map, keepLarger: true)
        return filter(dilated, keepLarger: false)
    }

    /// Max (dilation) or min (erosion) over the kernel, ignoring out-of-map pixels.
    private func filter(_ map: ScoreMap, keepLarger: Bool) -> ScoreMap {
        var output = map
        for y in 0..<map.height {
            for x in 0..<map.width {
                var extreme = map[x, y]
                for (dx, dy) in offsets {
                    let (sx, sy) = (x + dx, y + dy)
                    guard sx >= 0, sy >= 0, sx < map.width, sy < map.height else { continue }
                    let value = map[sx, sy]
                    if keepLarger ? value > extreme : value < extreme { extreme = value }
                }
                output[x, y] = extreme
            }
        }
        return output
    }
}
