//! Box extraction at every threshold at once: incremental components over the 256 grey levels.

/// Scores the candidate boxes of a quantised map at many threshold levels in one pass, the fast
/// equivalent of calling ``BoxExtractor/boxes(in:thresholdLevel:selection:)`` at each level.
///
/// Why it is fast: thresholds collapse to at most 256 integer levels, and the foreground
/// `{level > L}` only grows as `L` falls. Pixels are added in descending level order into a
/// union-find forest (8-connectivity) that tracks each component's extent, so outer-border boxes
/// at every level cost one pass over the pixels. Holes (4-connected background components not
/// touching the edge) grow as `L` rises, so a second, ascending pass builds them the same way, up
/// to the last level whose foreground has a hole at all (known from the Euler number, ``EulerQuads``).
/// Only components touched since the previous level are re-scored; a lazy max-heap gives the
/// best score. V1 traces borders (polygon area) only for components whose extent could hold the
/// largest area.
///
/// One sweep owns its scratch memory and reuses it for maps of the same size; it is a value type
/// (copies do not share memory), not meant for concurrent use of one instance.
public struct LevelSweep: Sendable {
    private var memory: [Int32] = []
    private var heap = ScoredRootHeap()
    private var liveRoots: [Int32] = []

    public init() {}

    /// The best score of any candidate box at each requested threshold level.
    ///
    /// - Parameters:
    ///   - map: the quantised map.
    ///   - thresholdLevels: levels to evaluate (any order, duplicates allowed), each in `0...255`.
    ///   - selection: V1 (``ContourSelection/largest``: the score of the one box) or V2 (max over
    ///     every outer and hole box).
    ///   - score: the score of a candidate box, e.g. its best IoU against the ground truth.
    /// - Returns: 256 scores indexed by level; levels not requested hold `-infinity`. A level with
    ///   no foreground scores ``Box/zero``, as the reference does.
    public mutating func bestScores(in map: QuantizedScoreMap, thresholdLevels: [Int],
                                    selection: ContourSelection, score: (Box) -> Double) -> [Double] {
        var requested = [Bool](repeating: false, count: 256)
        for level in thresholdLevels {
            precondition((0...255).contains(level), "LevelSweep: threshold level \(level) outside 0...255")
            requested[level] = true
        }
        let pixelCount = map.width * map.height
        let needed = UnionFindForest.requiredCapacity(pixelCount: pixelCount) + 2 * pixelCount
        if memory.count < needed { memory = [Int32](repeating: 0, count: needed) }
        var memory = self.memory
        self.memory = []
        defer { self.memory = memory }
        var scores = [Double](repeating: -.infinity, count: 256)
        memory.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let order = base + UnionFindForest.requiredCapacity(pixelCount: pixelCount)
            let livePosition = order + pixelCount
            let bucketStart = sortPixelsByLevel(map, into: order)
            let forest = UnionFindForest(memory: base, width: map.width, height: map.height)
            map.levels.withUnsafeBufferPointer { levels in
                var pass = SweepPass(forest: forest, levels: levels, order: order, bucketStart: bucketStart,
                                     livePosition: livePosition)
                swap(&pass.heap, &heap); swap(&pass.liveRoots, &liveRoots)
                let holeLevels = pass.foregroundPass(requested: requested, selection: selection, scores: &scores,
                                                     score: score)
                if selection == .all {
                    let holeForest = UnionFindForest(memory: base, width: map.width, height: map.height)
                    pass.holePass(forest: holeForest, holeLevels: holeLevels, scores: &scores, score: score)
                }
                swap(&pass.heap, &heap); swap(&pass.liveRoots, &liveRoots)
            }
        }
        return scores
    }

    /// Counting sort of pixel indices by level; returns the start of each level's run (257 entries).
    private func sortPixelsByLevel(_ map: QuantizedScoreMap, into order: UnsafeMutablePointer<Int32>) -> [Int] {
        var bucketStart = [Int](repeating: 0, count: 257)
        map.levels.withUnsafeBufferPointer { levels in
            bucketStart.withUnsafeMutableBufferPointer { starts in
                for level in levels { starts[Int(level) &+ 1] &+= 1 }
                for level in 0..<256 { starts[level &+ 1] &+= starts[level] }
                var next = [Int](starts[0..<256])
                next.withUnsafeMutableBufferPointer { next in
                    for (pixel, level) in levels.enumerated() {
                        order[next[Int(level)]] = Int32(truncatingIfNeeded: pixel)
                        next[Int(level)] &+= 1
                    }
                }
            }
        }
        return bucketStart
    }
}
