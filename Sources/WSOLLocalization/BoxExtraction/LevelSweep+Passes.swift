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

    /// Scores outer borders at every requested level (descending) and returns, per level, whether
    /// the foreground has a hole there (components minus the Euler number, V2 only).
    mutating func foregroundPass(requested: [Bool], selection: ContourSelection, scores: inout [Double],
                                 score: (Box) -> Double) -> [Bool] {
        heap.removeAll(); liveRoots.removeAll(keepingCapacity: true)
        let forest = self.forest
        var nextBucket = 255
        var unscoredEnd = bucketStart[256]  // slots added since the last evaluation end here
        var hasHoles = [Bool](repeating: false, count: 256)
        var components = 0, eulerTimesFour = 0
        let eulerDelta = EulerQuads.deltaTimesFour
        for level in stride(from: 255, through: 0, by: -1) where requested[level] {
            // Foreground at `level` is every pixel whose level is strictly greater.
            if nextBucket > level {
                let slots = bucketStart[level + 1]..<bucketStart[nextBucket + 1]
                if selection == .largest {
                    for slot in slots { addTrackingRoots(Int(order[slot])) }
                } else {
                    for slot in slots {
                        let added = forest.addEightConnected(Int(order[slot])) { _ in components -= 1 }
                        if added & UnionFindForest.newComponentFlag != 0 { components += 1 }
                        eulerTimesFour += eulerDelta[added & 255]
                    }
                }
                nextBucket = level
            }
            // Euler number = components - holes (4E tracked to stay in integers).
            hasHoles[level] = selection == .all && components * 4 != eulerTimesFour
            if bucketStart[256] == bucketStart[level + 1] {
                scores[level] = score(.zero)  // nothing above the threshold: no contour at all
            } else if selection == .all {
                scores[level] = bestScore(slots: bucketStart[level + 1]..<unscoredEnd, holes: false, score: score)
                unscoredEnd = bucketStart[level + 1]
            } else {
                scores[level] = score(forest.outerBox(largestContourRoot(thresholdLevel: level)))
            }
        }
        return hasHoles
    }

    /// V1: adds a pixel and keeps `liveRoots` (every current component) up to date.
    private mutating func addTrackingRoots(_ pixel: Int) {
        let forest = self.forest  // a copy of the pointers, so the closure may mutate self
        let added = forest.addEightConnected(pixel) { removeLiveRoot($0) }
        if added & UnionFindForest.newComponentFlag != 0 {
            livePosition[pixel] = Int32(liveRoots.count)
            liveRoots.append(Int32(pixel))
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

    /// Scores hole borders (levels ascending) at the levels in `holeLevels`, stopping after the
    /// last one: on smooth maps holes are rare and most of the background pass is skipped.
    mutating func holePass(forest holeForest: UnionFindForest, holeLevels: [Bool], scores: inout [Double],
                           score: (Box) -> Double) {
        guard let lastLevel = holeLevels.lastIndex(of: true) else { return }
        forest = holeForest
        heap.removeAll()
        var nextBucket = 0
        var unscoredStart = 0
        for level in 0...lastLevel where holeLevels[level] {
            // Background at `level` is every pixel whose level is at most `level`.
            if nextBucket <= level {
                for slot in bucketStart[nextBucket]..<bucketStart[level + 1] { holeForest.addFourConnected(Int(order[slot])) }
                nextBucket = level + 1
            }
            let holeScore = bestScore(slots: unscoredStart..<bucketStart[level + 1], holes: true, score: score)
            unscoredStart = bucketStart[level + 1]
            if holeScore > scores[level] { scores[level] = holeScore }
        }
    }

    // MARK: Shared scoring.

    /// Re-scores the roots of the pixels added since the last evaluation (`slots` of `order`) and
    /// returns the best live score (`-infinity` if none). Holes mode skips components touching
    /// the edge (not holes).
    private mutating func bestScore(slots: Range<Int>, holes: Bool, score: (Box) -> Double) -> Double {
        evaluationStep &+= 1
        for slot in slots {
            let root = forest.find(Int(order[slot]))
            guard forest.mark[root] != evaluationStep else { continue }
            forest.mark[root] = evaluationStep
            guard !holes || forest.touchesEdge[root] == 0 else { continue }
            forest.version[root] &+= 1
            let box = holes ? forest.holeBox(root) : forest.outerBox(root)
            heap.push(.init(score: score(box), root: Int32(root), version: forest.version[root]))
        }
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
