//! Union-find over pixels with per-component extents, on caller-owned memory.

/// A union-find forest over the pixels of a `width x height` image, each root carrying its
/// component's inclusive extent, raster-first pixel, size, an edge flag and a score version.
///
/// All fields live in one caller-provided `Int32` buffer (``requiredCapacity(pixelCount:)``
/// elements) so a sweep reuses its memory from map to map without reallocating. Pixels are
/// added one at a time (``activate(_:)``) and merged with ``union(_:_:)`` (by size, with path
/// halving in ``find(_:)``).
struct UnionFindForest {
    static let fieldCount = 11
    static func requiredCapacity(pixelCount: Int) -> Int { pixelCount * fieldCount }

    let width: Int
    let height: Int
    let parent: UnsafeMutablePointer<Int32>
    let size: UnsafeMutablePointer<Int32>
    let minX: UnsafeMutablePointer<Int32>
    let minY: UnsafeMutablePointer<Int32>
    let maxX: UnsafeMutablePointer<Int32>
    let maxY: UnsafeMutablePointer<Int32>
    /// Raster index of the component's first pixel (the smallest index).
    let start: UnsafeMutablePointer<Int32>
    /// 1 if the component touches the image edge (used for holes).
    let touchesEdge: UnsafeMutablePointer<Int32>
    /// Bumped whenever a root's score is recomputed; heap entries with an older version are stale.
    let version: UnsafeMutablePointer<Int32>
    /// 1 once a pixel has been added.
    let active: UnsafeMutablePointer<Int32>
    /// The last evaluation step at which a root was re-scored (de-duplicates re-scoring).
    let mark: UnsafeMutablePointer<Int32>

    /// Carves the fields out of `memory` (at least ``requiredCapacity(pixelCount:)`` elements) and
    /// marks every pixel inactive.
    init(memory: UnsafeMutablePointer<Int32>, width: Int, height: Int) {
        let count = width * height
        self.width = width
        self.height = height
        parent = memory
        size = memory + count
        minX = memory + 2 * count
        minY = memory + 3 * count
        maxX = memory + 4 * count
        maxY = memory + 5 * count
        start = memory + 6 * count
        touchesEdge = memory + 7 * count
        version = memory + 8 * count
        active = memory + 9 * count
        mark = memory + 10 * count
        active.update(repeating: 0, count: count)
    }

    /// Adds `pixel` as a singleton component.
    @inline(__always)
    func activate(_ pixel: Int) {
        let x = Int32(pixel % width), y = Int32(pixel / width)
        parent[pixel] = Int32(pixel)
        size[pixel] = 1
        minX[pixel] = x; maxX[pixel] = x
        minY[pixel] = y; maxY[pixel] = y
        start[pixel] = Int32(pixel)
        let onEdge = x == 0 || y == 0 || Int(x) == width - 1 || Int(y) == height - 1
        touchesEdge[pixel] = onEdge ? 1 : 0
        version[pixel] = 0
        mark[pixel] = -1
        active[pixel] = 1
    }

    @inline(__always)
    func find(_ pixel: Int) -> Int {
        var node = pixel
        while Int(parent[node]) != node {
            let grandparent = parent[Int(parent[node])]
            parent[node] = grandparent
            node = Int(grandparent)
        }
        return node
    }

    /// Merges the components of `a` and `b`; returns the surviving root and the absorbed root
    /// (`nil` when they were already one component).
    @inline(__always)
    func union(_ a: Int, _ b: Int) -> (root: Int, absorbed: Int?) {
        var rootA = find(a), rootB = find(b)
        if rootA == rootB { return (rootA, nil) }
        if size[rootA] < size[rootB] { swap(&rootA, &rootB) }
        parent[rootB] = Int32(rootA)
        size[rootA] &+= size[rootB]
        minX[rootA] = Swift.min(minX[rootA], minX[rootB]); maxX[rootA] = Swift.max(maxX[rootA], maxX[rootB])
        minY[rootA] = Swift.min(minY[rootA], minY[rootB]); maxY[rootA] = Swift.max(maxY[rootA], maxY[rootB])
        start[rootA] = Swift.min(start[rootA], start[rootB])
        touchesEdge[rootA] |= touchesEdge[rootB]
        return (rootA, rootB)
    }

    /// The root's candidate box for an outer border (its extent, with the `x + w` quirk).
    @inline(__always)
    func outerBox(_ root: Int) -> Box {
        contourBox(minX: Int(minX[root]), minY: Int(minY[root]), maxX: Int(maxX[root]), maxY: Int(maxY[root]),
                   width: width, height: height)
    }

    /// The root's candidate box as a hole: the border around it is the hole grown by one pixel.
    @inline(__always)
    func holeBox(_ root: Int) -> Box {
        contourBox(minX: Int(minX[root]) - 1, minY: Int(minY[root]) - 1,
                   maxX: Int(maxX[root]) + 1, maxY: Int(maxY[root]) + 1, width: width, height: height)
    }
}

/// A max-heap of scored roots; entries go stale when their root is merged away or re-scored.
struct ScoredRootHeap {
    struct Entry {
        var score: Double
        var root: Int32
        var version: Int32
    }
    private(set) var entries: [Entry] = []

    mutating func removeAll() { entries.removeAll(keepingCapacity: true) }

    mutating func push(_ entry: Entry) {
        entries.append(entry)
        var child = entries.count - 1
        while child > 0 {
            let parentIndex = (child - 1) / 2
            guard entries[parentIndex].score < entries[child].score else { break }
            entries.swapAt(parentIndex, child)
            child = parentIndex
        }
    }

    var top: Entry? { entries.first }

    mutating func popTop() {
        guard let last = entries.popLast(), !entries.isEmpty else { return }
        entries[0] = last
        var index = 0
        while true {
            let left = 2 * index + 1, right = left + 1
            var largest = index
            if left < entries.count && entries[left].score > entries[largest].score { largest = left }
            if right < entries.count && entries[right].score > entries[largest].score { largest = right }
            if largest == index { break }
            entries.swapAt(index, largest)
            index = largest
        }
    }
}
