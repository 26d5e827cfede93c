//! CI-CAM's own box rule for a combinational map (methods.md §5.5 steps 5-6), used by its classic
//! Top-1 / GT-known protocol; the toolkit's standard protocol (MaxBoxAccV2) sweeps thresholds instead.

/// A box with exclusive right/bottom stops, as `scipy.ndimage.find_objects` slices give it.
public struct ExclusiveBox: Equatable, Sendable {
    public var x0: Int, y0: Int, xStop: Int, yStop: Int
    public init(x0: Int, y0: Int, xStop: Int, yStop: Int) {
        (self.x0, self.y0, self.xStop, self.yStop) = (x0, y0, xStop, yStop)
    }
    /// `(xStop − x0)·(yStop − y0)`.
    public var area: Int { (xStop - x0) * (yStop - y0) }
}

public enum CombinationalBox {
    /// The box of an (upsampled) map `[height, width]` row-major:
    /// 1. values `≤ threshold·max` are set to 0;
    /// 2. foreground = values `>` the mean of the zeroed map (over all pixels, zeros included);
    /// 3. 4-connected components (scipy's default structure), numbered in raster order;
    /// 4. the component with the largest bounding-box area (not pixel count; the first on ties).
    /// - Returns: nil when nothing is foreground (the official code fails there).
    public static func box(map: [Float], width: Int, height: Int, threshold: Float) -> ExclusiveBox? {
        precondition(map.count == width * height, "CombinationalBox: \(map.count) values for \(width) x \(height)")
        let cut = threshold * (map.max() ?? 0)
        let zeroed = map.map { $0 > cut ? $0 : 0 }
        let mean = zeroed.reduce(Double(0)) { $0 + Double($1) } / Double(max(zeroed.count, 1))
        let foreground = zeroed.map { Double($0) > mean }
        var best: ExclusiveBox?
        for box in componentBoxes(foreground, width: width, height: height) where box.area > (best?.area ?? 0) {
            best = box
        }
        return best
    }

    /// Bounding boxes of the 4-connected components of `foreground`, in raster order of each
    /// component's first pixel (scipy's label order).
    public static func componentBoxes(_ foreground: [Bool], width: Int, height: Int) -> [ExclusiveBox] {
        var visited = [Bool](repeating: false, count: foreground.count)
        var boxes: [ExclusiveBox] = []
        for start in foreground.indices where foreground[start] && !visited[start] {
            var box = ExclusiveBox(x0: start % width, y0: start / width, xStop: start % width + 1, yStop: start / width + 1)
            var stack = [start]
            visited[start] = true
            while let index = stack.popLast() {
                let (x, y) = (index % width, index / width)
                box = ExclusiveBox(x0: min(box.x0, x), y0: min(box.y0, y), xStop: max(box.xStop, x + 1), yStop: max(box.yStop, y + 1))
                for (nx, ny) in [(x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)]
                where nx >= 0 && nx < width && ny >= 0 && ny < height {
                    let neighbour = ny * width + nx
                    if foreground[neighbour] && !visited[neighbour] {
                        visited[neighbour] = true
                        stack.append(neighbour)
                    }
                }
            }
            boxes.append(box)
        }
        return boxes
    }
}
