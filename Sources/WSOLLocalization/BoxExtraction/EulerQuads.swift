//! Counting holes without finding them: the Euler number from 2x2 pixel quads.

/// Gray's bit-quad formula for the Euler number of 8-connected foreground (zero padding):
/// `E = (n(Q1) - n(Q3) - 2 n(QD)) / 4`, where `Q1`/`Q3` are 2x2 windows with exactly one/three
/// foreground pixels and `QD` the windows with two diagonal ones. `E = components - holes`, so with
/// the component count from the union-find the number of holes at every level comes for free.
///
/// Adding one pixel changes only the four windows it belongs to; ``deltaTimesFour`` gives the
/// change of `4E` for each pattern of its eight neighbours (bits as returned by
/// `UnionFindForest.addEightConnected`: NW 0, N 1, NE 2, W 3, E 4, SW 5, S 6, SE 7).
enum EulerQuads {
    static let deltaTimesFour: [Int] = (0..<256).map { change(neighbours: $0) }

    /// `4E` contribution of one window given its corners (top-left, top-right, bottom-left, bottom-right).
    private static func weight(_ topLeft: Bool, _ topRight: Bool, _ bottomLeft: Bool, _ bottomRight: Bool) -> Int {
        let count = [topLeft, topRight, bottomLeft, bottomRight].filter { $0 }.count
        switch count {
        case 1: return 1
        case 3: return -1
        case 2 where (topLeft && bottomRight) || (topRight && bottomLeft): return -2
        default: return 0
        }
    }

    private static func change(neighbours: Int) -> Int {
        func has(_ bit: Int) -> Bool { neighbours & (1 << bit) != 0 }
        let (nw, n, ne, w, e, sw, s, se) = (has(0), has(1), has(2), has(3), has(4), has(5), has(6), has(7))
        func windows(center: Bool) -> Int {
            weight(nw, n, w, center) + weight(n, ne, center, e) + weight(w, center, sw, s) + weight(center, e, s, se)
        }
        return windows(center: true) - windows(center: false)
    }
}
