//! Union-find over pixels with per-component extents, on caller-owned memory.

/// One field of the per-root records, which are stored interleaved, 16 bytes per pixel
/// (`size: Int32, start: Int32, minX, minY, maxX, maxY: Int16`), so that activating or merging a
/// root touches one cache line and the records of a 224x224 map (800 KB) stay in L2.
struct RecordField<Value: FixedWidthInteger> {
    static var recordBytes: Int { 16 }
    /// Address of this field in record 0.
    let base: UnsafeMutableRawPointer
    @inline(__always) subscript(_ root: Int) -> Value {
        get { base.load(fromByteOffset: root &<< 4, as: Value.self) }
        nonmutating set { base.storeBytes(of: newValue, toByteOffset: root &<< 4, as: Value.self) }
    }
}

/// A union-find forest over the pixels of a `width x height` image, each root carrying its
/// component's inclusive extent, raster-first pixel, size, an edge flag and a score version.
///
/// All fields live in one caller-provided `Int32` buffer (``requiredCapacity(pixelCount:)``
/// elements) so a sweep reuses its memory from map to map without reallocating: the parent array
/// (`-1` = pixel not added yet), the 16-byte records, then the edge flags, score versions and
/// re-scoring marks (only read for roots). Pixels are added one at a time (``activate(_:)``) and
/// merged with ``union(_:_:)`` / ``link(_:_:)`` (by size, with path halving in ``find(_:)``).
/// Extents are 16-bit: maps up to 32767 pixels per side.
struct UnionFindForest {
    static func requiredCapacity(pixelCount: Int) -> Int { pixelCount * 8 }
    static let maxSide = Int(Int16.max)

    let width: Int
    let height: Int
    let parent: UnsafeMutablePointer<Int32>
    let size: RecordField<Int32>
    /// Raster index of the component's first pixel (the smallest index).
    let start: RecordField<Int32>
    let minX: RecordField<Int16>
    let minY: RecordField<Int16>
    let maxX: RecordField<Int16>
    let maxY: RecordField<Int16>
    /// 1 if the component touches the image edge (used for holes).
    let touchesEdge: UnsafeMutablePointer<Int32>
    /// Bumped whenever a root's score is recomputed; heap entries with an older version are stale.
    let version: UnsafeMutablePointer<Int32>
    /// The last evaluation step at which a root was re-scored (de-duplicates re-scoring).
    let mark: UnsafeMutablePointer<Int32>

    /// Carves the fields out of `memory` (at least ``requiredCapacity(pixelCount:)`` elements) and
    /// marks every pixel inactive.
    init(memory: UnsafeMutablePointer<Int32>, width: Int, height: Int) {
        precondition(width <= Self.maxSide && height <= Self.maxSide, "LevelSweep: maps up to 32767 pixels per side")
        let count = width * height
        self.width = width
        self.height = height
        parent = memory
        let records = UnsafeMutableRawPointer(memory + count)
        size = RecordField(base: records)
        start = RecordField(base: records + 4)
        minX = RecordField(base: records + 8)
        minY = RecordField(base: records + 10)
        maxX = RecordField(base: records + 12)
        maxY = RecordField(base: records + 14)
        touchesEdge = memory + 5 * count
        version = memory + 6 * count
        mark = memory + 7 * count
        parent.update(repeating: -1, count: count)
    }

    /// Whether `pixel` has been added.
    @inline(__always)
    func isActive(_ pixel: Int) -> Bool { parent[pixel] >= 0 }

    /// Adds `pixel` (at column `x`, row `y`) as a singleton component.
    @inline(__always)
    func activate(_ pixel: Int, x: Int, y: Int) {
        parent[pixel] = Int32(truncatingIfNeeded: pixel)
        size[pixel] = 1
        minX[pixel] = Int16(truncatingIfNeeded: x); maxX[pixel] = Int16(truncatingIfNeeded: x)
        minY[pixel] = Int16(truncatingIfNeeded: y); maxY[pixel] = Int16(truncatingIfNeeded: y)
        start[pixel] = Int32(truncatingIfNeeded: pixel)
        let onEdge = x == 0 || y == 0 || x == width - 1 || y == height - 1
        touchesEdge[pixel] = onEdge ? 1 : 0
        version[pixel] = 0
        mark[pixel] = -1
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
        let rootA = find(a), rootB = find(b)
        if rootA == rootB { return (rootA, nil) }
        return link(rootA, rootB)
    }

    /// Merges two distinct roots (union by size, extents combined); returns the survivor and the
    /// absorbed root.
    @inline(__always)
    func link(_ first: Int, _ second: Int) -> (root: Int, absorbed: Int?) {
        var rootA = first, rootB = second
        if size[rootA] < size[rootB] { swap(&rootA, &rootB) }
        parent[rootB] = Int32(rootA)
        size[rootA] &+= size[rootB]
        minX[rootA] = Swift.min(minX[rootA], minX[rootB]); maxX[rootA] = Swift.max(maxX[rootA], maxX[rootB])
        minY[rootA] = Swift.min(minY[rootA], minY[rootB]); maxY[rootA] = Swift.max(maxY[rootA], maxY[rootB])
        start[rootA] = Swift.min(start[rootA], start[rootB])
        touchesEdge[rootA] |= touchesEdge[rootB]
        return (rootA, rootB)
    }

    /// Joins `pixel` (column `x`, row `y`, not yet added) to the component of `root` without
    /// giving it a record of its own: most added pixels extend an existing component.
    @inline(__always)
    func attach(_ pixel: Int, x: Int, y: Int, to root: Int) {
        parent[pixel] = Int32(truncatingIfNeeded: root)
        size[root] &+= 1
        let x16 = Int16(truncatingIfNeeded: x), y16 = Int16(truncatingIfNeeded: y)
        if x16 < minX[root] { minX[root] = x16 }
        if x16 > maxX[root] { maxX[root] = x16 }
        if y16 < minY[root] { minY[root] = y16 }
        if y16 > maxY[root] { maxY[root] = y16 }
        if pixel < Int(start[root]) { start[root] = Int32(truncatingIfNeeded: pixel) }
        if x == 0 || y == 0 || x == width - 1 || y == height - 1 { touchesEdge[root] = 1 }
    }

    /// Bit set in the result of ``addEightConnected(_:absorbed:)`` / ``addFourConnected(_:)``
    /// when the pixel had no present neighbour and so started a new component.
    static let newComponentFlag = 256

    /// Adds `pixel` and merges it with its active 8-neighbours (foreground connectivity).
    /// `absorbed` is told every existing root that stops being a root (the new pixel never is one
    /// unless it starts a component).
    /// - Returns: which neighbours were already present, one bit each: NW 0, N 1, NE 2, W 3, E 4,
    ///   SW 5, S 6, SE 7 (outside the image counts as absent), for ``EulerQuads``, plus
    ///   ``newComponentFlag`` if the pixel is a new singleton component.
    @inline(__always) @discardableResult
    func addEightConnected(_ pixel: Int, absorbed: (Int) -> Void) -> Int {
        // One division per pixel: 64-bit divisions are slow enough to show in profiles.
        let y = pixel / width, x = pixel &- y &* width
        var root = -1
        var present = 0
        @inline(__always) func join(_ neighbour: Int, _ bit: Int) {
            let up = Int(parent[neighbour])
            guard up >= 0 else { return }
            present |= bit
            // Most neighbours point straight at the root found for an earlier neighbour.
            guard up != root else { return }
            let other = find(neighbour)
            if root < 0 {
                root = other
                attach(pixel, x: x, y: y, to: other)
            } else if other != root {
                let merged = link(root, other)
                root = merged.root
                if let gone = merged.absorbed { absorbed(gone) }
            }
        }
        if x > 0 && y > 0 && x < width - 1 && y < height - 1 {
            // Interior pixel: the eight neighbours without bounds checks.
            join(pixel - width - 1, 1); join(pixel - width, 2); join(pixel - width + 1, 4)
            join(pixel - 1, 8); join(pixel + 1, 16)
            join(pixel + width - 1, 32); join(pixel + width, 64); join(pixel + width + 1, 128)
        } else {
            var bit = 1
            for dy in -1...1 {
                for dx in -1...1 where dx != 0 || dy != 0 {
                    if x + dx >= 0 && x + dx < width && y + dy >= 0 && y + dy < height {
                        join((y + dy) * width + x + dx, bit)
                    }
                    bit <<= 1
                }
            }
        }
        guard root >= 0 else {
            activate(pixel, x: x, y: y)
            return present | Self.newComponentFlag
        }
        return present
    }

    /// Adds `pixel` and merges it with its active 4-neighbours (background connectivity, the
    /// dual of 8-connected foreground).
    @inline(__always)
    func addFourConnected(_ pixel: Int) {
        let y = pixel / width, x = pixel &- y &* width
        var root = -1
        @inline(__always) func join(_ neighbour: Int) {
            let up = Int(parent[neighbour])
            guard up >= 0, up != root else { return }
            let other = find(neighbour)
            if root < 0 {
                root = other
                attach(pixel, x: x, y: y, to: other)
            } else if other != root {
                root = link(root, other).root
            }
        }
        if x > 0 { join(pixel - 1) }
        if x < width - 1 { join(pixel + 1) }
        if y > 0 { join(pixel - width) }
        if y < height - 1 { join(pixel + width) }
        if root < 0 { activate(pixel, x: x, y: y) }
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
