//! MaxBoxAccV2 for per-epoch model selection, kept small and self-contained until the
//! evaluation module (branch `eval`, `BoxAccuracyAccumulator`) is on main; then this file goes.
import Foundation

/// An inclusive pixel box `(x0, y0, x1, y1)` (`x` a column, `y` a row).
public struct PixelBox: Sendable, Equatable, Codable {
    public var x0: Int, y0: Int, x1: Int, y1: Int
    public init(x0: Int, y0: Int, x1: Int, y1: Int) {
        (self.x0, self.y0, self.x1, self.y1) = (x0, y0, x1, y1)
    }

    /// Inclusive IoU (methods.md §0); 0 when the union is not positive.
    public func intersectionOverUnion(_ other: PixelBox) -> Double {
        let width = max(0, min(x1, other.x1) - max(x0, other.x0) + 1)
        let height = max(0, min(y1, other.y1) - max(y0, other.y0) + 1)
        let intersection = Double(width * height)
        let union = Double(area + other.area) - intersection
        return union > 0 ? intersection / union : 0
    }

    var area: Int { (x1 - x0 + 1) * (y1 - y0 + 1) }
}

/// Streaming MaxBoxAccV2 (methods.md §2.6-2.7): uint8 quantisation, strict integer threshold,
/// every 8-connected component a candidate with wsolevaluation's `x + w` box, IoU levels
/// 0.3/0.5/0.7. Simplification: hole contours (which can only add candidates) are not traced,
/// so scores may be slightly below the reference's on maps with holes.
public struct BoxAccuracySweep: Sendable {
    public let interval: Double
    public let iouThresholds: [Double]
    /// `correct[i][k]`: maps whose best candidate at threshold `k` reaches `iouThresholds[i]`.
    public private(set) var correct: [[Int]]
    public private(set) var imageCount = 0

    public init(interval: Double = 0.001, iouThresholds: [Double] = [0.3, 0.5, 0.7]) {
        self.interval = interval
        self.iouThresholds = iouThresholds
        let count = Self.thresholdCount(interval: interval)
        correct = Array(repeating: Array(repeating: 0, count: count), count: iouThresholds.count)
    }

    /// `np.arange(0, 1, interval).count`.
    static func thresholdCount(interval: Double) -> Int {
        var count = 0
        while Double(count) * interval < 1 { count += 1 }
        return count
    }

    /// Adds one map `values` (`height * width`, row-major, in [0, 1]) with its ground-truth boxes.
    public mutating func add(_ values: [Float], width: Int, height: Int, groundTruth: [PixelBox]) {
        precondition(values.count == width * height, "BoxAccuracySweep: \(values.count) values for \(width)x\(height)")
        let levels = values.map { UInt8(clamping: Int(($0 * 255).rounded(.down))) }
        let top = Double(levels.max() ?? 0)
        var bestByLevel: [Int: Double] = [:]
        for k in correct[0].indices {
            let level = Int(Double(k) * interval * top)
            let best = bestByLevel[level] ?? {
                let candidates = ComponentBoxes.boxes(levels, width: width, height: height, above: level)
                let iou = candidates.flatMap { box in groundTruth.map { box.intersectionOverUnion($0) } }.max() ?? 0
                bestByLevel[level] = iou
                return iou
            }()
            for (i, threshold) in iouThresholds.enumerated() where best >= threshold { correct[i][k] += 1 }
        }
        imageCount += 1
    }

    /// MaxBoxAcc at each IoU threshold, in percent.
    public var maxBoxAccuracies: [Double] {
        correct.map { Double($0.max() ?? 0) * 100 / Double(max(imageCount, 1)) }
    }

    /// MaxBoxAccV2: the mean over the IoU thresholds, in percent.
    public var meanMaxBoxAccuracy: Double {
        maxBoxAccuracies.reduce(0, +) / Double(max(iouThresholds.count, 1))
    }
}

/// Bounding boxes of the 8-connected components of `levels > above`.
enum ComponentBoxes {
    static func boxes(_ levels: [UInt8], width: Int, height: Int, above level: Int) -> [PixelBox] {
        var visited = [Bool](repeating: false, count: levels.count)
        var boxes: [PixelBox] = []
        var stack: [Int] = []
        for start in levels.indices where !visited[start] && Int(levels[start]) > level {
            var box = PixelBox(x0: start % width, y0: start / width, x1: start % width, y1: start / width)
            visited[start] = true
            stack.append(start)
            while let index = stack.popLast() {
                let (x, y) = (index % width, index / width)
                box = PixelBox(x0: min(box.x0, x), y0: min(box.y0, y), x1: max(box.x1, x), y1: max(box.y1, y))
                for ny in max(y - 1, 0)...min(y + 1, height - 1) {
                    for nx in max(x - 1, 0)...min(x + 1, width - 1) {
                        let neighbour = ny * width + nx
                        if !visited[neighbour] && Int(levels[neighbour]) > level {
                            visited[neighbour] = true
                            stack.append(neighbour)
                        }
                    }
                }
            }
            // cv2.boundingRect gives (x, y, w, h) and the reference uses (x, y, x + w, y + h),
            // one past the last pixel, clipped to the image (methods.md §2.6).
            boxes.append(PixelBox(x0: box.x0, y0: box.y0, x1: min(box.x1 + 1, width - 1), y1: min(box.y1 + 1, height - 1)))
        }
        return boxes.isEmpty ? [PixelBox(x0: 0, y0: 0, x1: 0, y1: 0)] : boxes
    }
}
