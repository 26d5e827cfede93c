//! The two passes of ``LevelSweep``: foreground components (descending) and holes (ascending).

/// One map's sweep state: the forest, the pixel order by level and the reusable scratch arrays.
struct SweepPass {
    var forest: UnionFindForest
    let levels: UnsafeBufferPointer<UInt8>
    /// Pixel indices sorted by level; `bucketStart[v]..<bucketStart[v + 1]` holds level `v`.
    let order: UnsafeMutablePointer<Int32>
    let bucketStart: [Int]
    /// Index of each live root in `liveRoots` (V1 only).
    let livePosition: UnsafeMutablePointer<Int32>
    var heap = ScoredRootHeap()
    var touched: [Int32] = []
    var liveRoots: [Int32] = []
    private var evaluationStep: Int32 = 0

    init(forest: UnionFindForest, levels: UnsafeBufferPointer<UInt8>, order: UnsafeMutablePointer<Int32>,
         bucketStart: [Int], livePosition: UnsafeMutablePointer<Int32>) {
        self.forest = forest
        self.levels = levels
        self.order = order
        self.bucketStart = bucketStart
        self.livePosition = livePosition
    }

    // MARK: Foreground (outer borders), levels descending.

    mutating func foregroundPass(requested: [Bool], selection: ContourSelection, scores: inout [Double],
                                 score: (Box) -> Double) {
        heap.removeAll(); touched.removeAll(keepingCapacity: true); liveRoots.removeAll(keepingCapacity: true)
        var nextBucket = 255
        for level in stride(from: 255, through: 0, by: -1) where requested[level] {
            // Foreground at `level` is every pixel whose level is strictly greater.
            while nextBucket > level {
                for slot in bucketStart[nextBucket]..<bucketStart[nextBucket + 1] {
                    addForeground(Int(order[slot]), tracksRoots: selection == .largest)
                }
                nextBucket -= 1
            }
            if bucketStart[256] == bucketStart[level + 1] {
                scores[level] = score(.zero)  // nothing above the threshold: no contour at all
            } else if selection == .all {
                scores[level] = bestScore(holes: false, score: score)
            } else {
                scores[level] = score(forest.outerBox(largestContourRoot(thresholdLevel: level)))
            }
        }
    }

    private mutating func addForeground(_ pixel: Int, tracksRoots: Bool) {
        forest.activate(pixel)
        if tracksRoots {
            livePosition[pixel] = Int32(liveRoots.count)
            liveRoots.append(Int32(pixel))
        } else {
            touched.append(Int32(pixel))
        }
        let width = forest.width, x = pixel % width, y = pixel / width
        for dy in -1...1 {
            let ny = y + dy
            guard ny >= 0 && ny < forest.height else { continue }
            for dx in -1...1 where dx != 0 || dy != 0 {
                let nx = x + dx
                guard nx >= 0 && nx < width else { continue }
                let neighbour = ny * width + nx
                guard forest.active[neighbour] != 0 else { continue }
                let merged = forest.union(pixel, neighbour)
                if tracksRoots, let absorbed = merged.absorbed { removeLiveRoot(absorbed) }
            }
        }
    }

    private mutating func removeLiveRoot(_ root: Int) {
        let position = Int(livePosition[root])
        let last = liveRoots.removeLast()
        if position < liveRoots.count {
            liveRoots[position] = last
            livePosition[Int(last)] = Int32(position)
        }
    }

    /// V1: the component with the largest outer-border polygon area; ties go to the later
    /// raster-first pixel (the contour OpenCV lists first). Borders are traced only where the
    /// extent bound `(w - 1) * (h - 1)` (the polygon joins pixel centres) can reach the best area.
    private func largestContourRoot(thresholdLevel: Int) -> Int {
        var seed = Int(liveRoots[0]), seedBound = -1
        for root32 in liveRoots {
            let bound = areaBound(Int(root32))
            if bound > seedBound { seed = Int(root32); seedBound = bound }
        }
        var bestRoot = seed, bestArea = traceArea(seed, thresholdLevel: thresholdLevel)
        for root32 in liveRoots {
            let root = Int(root32)
            let bound = areaBound(root)
            guard root != seed, Double(bound) >= bestArea else { continue }
            let area = bound == 0 ? 0 : traceArea(root, thresholdLevel: thresholdLevel)
            if area > bestArea || (area == bestArea && forest.start[root] > forest.start[bestRoot]) {
                bestRoot = root
                bestArea = area
            }
        }
        return bestRoot
    }

    @inline(__always)
    private func areaBound(_ root: Int) -> Int {
        Int(forest.maxX[root] - forest.minX[root]) * Int(forest.maxY[root] - forest.minY[root])
    }

    private func traceArea(_ root: Int, thresholdLevel: Int) -> Double {
        let start = Int(forest.start[root])
        return outerBorderArea(levels: levels, width: forest.width, height: forest.height,
                               thresholdLevel: thresholdLevel, startX: start % forest.width,
                               startY: start / forest.width)
    }

    // MARK: Holes, levels ascending.

    mutating func holePass(forest holeForest: UnionFindForest, requested: [Bool], scores: inout [Double],
                           score: (Box) -> Double) {
        forest = holeForest
        heap.removeAll(); touched.removeAll(keepingCapacity: true)
        var nextBucket = 0
        for level in 0...255 where requested[level] {
            // Background at `level` is every pixel whose level is at most `level`.
            while nextBucket <= level {
                for slot in bucketStart[nextBucket]..<bucketStart[nextBucket + 1] {
                    addBackground(Int(order[slot]))
                }
                nextBucket += 1
            }
            let holeScore = bestScore(holes: true, score: score)
            if holeScore > scores[level] { scores[level] = holeScore }
        }
    }

    private mutating func addBackground(_ pixel: Int) {
        forest.activate(pixel)
        touched.append(Int32(pixel))
        let width = forest.width, x = pixel % width, y = pixel / width
        // 4-connectivity: the background dual of 8-connected foreground.
        if x > 0 && forest.active[pixel - 1] != 0 { _ = forest.union(pixel, pixel - 1) }
        if x < width - 1 && forest.active[pixel + 1] != 0 { _ = forest.union(pixel, pixel + 1) }
        if y > 0 && forest.active[pixel - width] != 0 { _ = forest.union(pixel, pixel - width) }
        if y < forest.height - 1 && forest.active[pixel + width] != 0 { _ = forest.union(pixel, pixel + width) }
    }

    // MARK: Shared scoring.

    /// Re-scores the roots touched since the last evaluation and returns the best live score
    /// (`-infinity` if none). Holes mode skips components touching the edge (not holes).
    private mutating func bestScore(holes: Bool, score: (Box) -> Double) -> Double {
        evaluationStep &+= 1
        for pixel in touched {
            let root = forest.find(Int(pixel))
            guard forest.mark[root] != evaluationStep else { continue }
            forest.mark[root] = evaluationStep
            guard !holes || forest.touchesEdge[root] == 0 else { continue }
            forest.version[root] &+= 1
            let box = holes ? forest.holeBox(root) : forest.outerBox(root)
            heap.push(.init(score: score(box), root: Int32(root), version: forest.version[root]))
        }
        touched.removeAll(keepingCapacity: true)
        while let top = heap.top {
            let root = Int(top.root)
            let isLive = Int(forest.parent[root]) == root && forest.version[root] == top.version
                && (!holes || forest.touchesEdge[root] == 0)
            if isLive { return top.score }
            heap.popTop()
        }
        return -.infinity
    }
}
