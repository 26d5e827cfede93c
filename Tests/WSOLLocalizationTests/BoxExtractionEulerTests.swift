import Testing
@testable import WSOLLocalization

/// The incremental Euler number (components - holes) that lets the sweep skip hole-free levels.
@Suite struct BoxExtractionEulerTests {
    /// Adds the 1-pixels in an arbitrary order and sums the per-pixel changes of 4E.
    func eulerNumber(_ rows: [[Int]], reversed: Bool = false) -> Int {
        let height = rows.count, width = rows[0].count
        var memory = [Int32](repeating: 0, count: UnionFindForest.requiredCapacity(pixelCount: width * height))
        var pixels = (0..<width * height).filter { rows[$0 / width][$0 % width] == 1 }
        if reversed { pixels.reverse() }
        return memory.withUnsafeMutableBufferPointer { buffer in
            let forest = UnionFindForest(memory: buffer.baseAddress!, width: width, height: height)
            var eulerTimesFour = 0
            for pixel in pixels { eulerTimesFour += EulerQuads.deltaTimesFour[forest.addEightConnected(pixel) { _ in } & 255] }
            return eulerTimesFour / 4
        }
    }

    @Test(arguments: [false, true])
    func eulerNumberIsComponentsMinusHoles(reversed: Bool) {
        // One pixel: 1 component, 0 holes -> 1.
        #expect(eulerNumber([[0, 0, 0], [0, 1, 0], [0, 0, 0]], reversed: reversed) == 1)
        // A 3x3 ring touching the border: 1 component, 1 hole -> 0.
        #expect(eulerNumber([[1, 1, 1], [1, 0, 1], [1, 1, 1]], reversed: reversed) == 0)
        // A diamond: its four pixels touch diagonally (8-connected) around a 4-connected hole -> 0.
        #expect(eulerNumber([[0, 1, 0], [1, 0, 1], [0, 1, 0]], reversed: reversed) == 0)
        // A figure eight: 1 component, 2 holes -> -1.
        #expect(eulerNumber([[1, 1, 1, 1, 1], [1, 0, 1, 0, 1], [1, 1, 1, 1, 1]], reversed: reversed) == -1)
        // Two diagonal pixels are one 8-connected component; a separate pixel adds one -> 2.
        #expect(eulerNumber([[1, 0, 0, 1], [0, 1, 0, 0]], reversed: reversed) == 2)
        // A C shape is open to the outside: no hole -> 1.
        #expect(eulerNumber([[1, 1, 1], [1, 0, 0], [1, 1, 1]], reversed: reversed) == 1)
    }
}
