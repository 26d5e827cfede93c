//! Candidate boxes of a score map at one threshold (wsolevaluation's `scoremap2bbox`).

/// Box extraction at a single threshold, as wsolevaluation's `compute_bboxes_from_scoremaps`:
/// foreground `level > thresholdLevel`, contours with OpenCV `RETR_TREE` semantics, boxes with the
/// `x + w` quirk (``contourBox(minX:minY:maxX:maxY:width:height:)``).
///
/// Contours are derived without tracing where the box is all that matters: an outer border's
/// bounding rect is its 8-connected foreground component's extent, and a hole border's is the
/// extent of its 4-connected background hole (a background component not touching the image
/// edge) grown by one pixel on every side (checked against `cv2.findContours` on random maps).
/// This is the straightforward per-threshold path, used to export boxes at a chosen threshold
/// and as the oracle for the incremental ``LevelSweep`` in tests.
public enum BoxExtractor {
    /// Candidate boxes at `thresholdLevel` (see ``QuantizedScoreMap/thresholdLevel(for:)``).
    ///
    /// - Returns: `[Box.zero]` when nothing is above the threshold; otherwise one box for V1
    ///   (``ContourSelection/largest``: largest polygon area, ties to the contour OpenCV lists first,
    ///   i.e. the component whose raster-first pixel comes last) or every outer box followed by
    ///   every hole box for V2 (the order is not OpenCV's; only the set matters to the metrics).
    public static func boxes(in map: QuantizedScoreMap, thresholdLevel: Int,
                             selection: ContourSelection) -> [Box] {
        let foreground = ComponentLabeling.label(map, thresholdLevel: thresholdLevel, foreground: true)
        guard !foreground.isEmpty else { return [Box.zero] }
        switch selection {
        case .largest:
            let chosen = largestContourComponent(foreground, map: map, thresholdLevel: thresholdLevel)
            return [chosen.box(width: map.width, height: map.height)]
        case .all:
            let holes = ComponentLabeling.label(map, thresholdLevel: thresholdLevel, foreground: false)
            return foreground.map { $0.box(width: map.width, height: map.height) }
                + holes.map { $0.holeBox(width: map.width, height: map.height) }
        }
    }

    /// Boxes at a threshold in `[0, 1)` (e.g. a calibrated one).
    public static func boxes(in map: QuantizedScoreMap, threshold: Double,
                             selection: ContourSelection) -> [Box] {
        boxes(in: map, thresholdLevel: map.thresholdLevel(for: threshold), selection: selection)
    }

    /// The foreground mask at `thresholdLevel`: 1 where `level > thresholdLevel`, else 0.
    public static func foregroundMask(of map: QuantizedScoreMap, thresholdLevel: Int) -> [UInt8] {
        map.levels.map { Int($0) > thresholdLevel ? 1 : 0 }
    }

    private static func largestContourComponent(_ components: [PixelComponent], map: QuantizedScoreMap,
                                                thresholdLevel: Int) -> PixelComponent {
        var best = components[0]
        var bestArea = -1.0
        map.levels.withUnsafeBufferPointer { levels in
            for component in components {
                let area = outerBorderArea(levels: levels, width: map.width, height: map.height,
                                           thresholdLevel: thresholdLevel,
                                           startX: component.start % map.width,
                                           startY: component.start / map.width)
                // Python's max() keeps the first maximum in OpenCV's list, which holds top-level
                // contours in reverse discovery order: among equal areas the later start wins.
                if area > bestArea || (area == bestArea && component.start > best.start) {
                    best = component
                    bestArea = area
                }
            }
        }
        return best
    }
}

/// A connected set of pixels: its inclusive extent and its raster-first pixel index.
struct PixelComponent {
    var minX: Int, minY: Int, maxX: Int, maxY: Int
    /// `y * width + x` of the first pixel in raster order (where OpenCV starts its border).
    var start: Int

    func box(width: Int, height: Int) -> Box {
        contourBox(minX: minX, minY: minY, maxX: maxX, maxY: maxY, width: width, height: height)
    }

    /// The bounding rect of the hole's border: the hole grown by one pixel on every side.
    func holeBox(width: Int, height: Int) -> Box {
        contourBox(minX: minX - 1, minY: minY - 1, maxX: maxX + 1, maxY: maxY + 1, width: width, height: height)
    }
}

/// Flood-fill labelling of one threshold's foreground (8-connected) or holes (4-connected
/// background components that do not touch the image edge).
enum ComponentLabeling {
    static func label(_ map: QuantizedScoreMap, thresholdLevel: Int, foreground: Bool) -> [PixelComponent] {
        let width = map.width, height = map.height
        let inSet: [Bool] = map.levels.map { (Int($0) > thresholdLevel) == foreground }
        var visited = [Bool](repeating: false, count: inSet.count)
        var components: [PixelComponent] = []
        var stack: [Int] = []
        let offsets: [(Int, Int)] = foreground
            ? [(-1, -1), (0, -1), (1, -1), (-1, 0), (1, 0), (-1, 1), (0, 1), (1, 1)]
            : [(0, -1), (-1, 0), (1, 0), (0, 1)]
        for seed in inSet.indices where inSet[seed] && !visited[seed] {
            var component = PixelComponent(minX: seed % width, minY: seed / width,
                                           maxX: seed % width, maxY: seed / width, start: seed)
            var touchesEdge = false
            visited[seed] = true
            stack.append(seed)
            while let pixel = stack.popLast() {
                let x = pixel % width, y = pixel / width
                component.minX = min(component.minX, x); component.maxX = max(component.maxX, x)
                component.minY = min(component.minY, y); component.maxY = max(component.maxY, y)
                if x == 0 || y == 0 || x == width - 1 || y == height - 1 { touchesEdge = true }
                for (dx, dy) in offsets {
                    let nx = x + dx, ny = y + dy
                    guard nx >= 0, ny >= 0, nx < width, ny < height else { continue }
                    let neighbour = ny * width + nx
                    if inSet[neighbour] && !visited[neighbour] {
                        visited[neighbour] = true
                        stack.append(neighbour)
                    }
                }
            }
            if foreground || !touchesEdge { components.append(component) }
        }
        return components
    }
}
