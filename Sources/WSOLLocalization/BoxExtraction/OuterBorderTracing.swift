//! Suzuki-Abe outer border following, used for V1's "largest contour by polygon area".

/// Neighbour offsets by chain code, counterclockwise on screen (y grows downwards):
/// 0 = east, 1 = north-east, 2 = north, 3 = north-west, 4 = west, 5 = south-west, 6 = south,
/// 7 = south-east (OpenCV's Freeman codes).
private let chainDX: [Int] = [1, 1, 0, -1, -1, -1, 0, 1]
private let chainDY: [Int] = [0, -1, -1, -1, 0, 1, 1, 1]

/// The polygon area (`cv2.contourArea`, Green's formula) of the outer border of the 8-connected
/// foreground component whose raster-first pixel is `(startX, startY)`.
///
/// Foreground is `levels[y * width + x] > thresholdLevel`; pixels outside the image are
/// background (OpenCV pads the image with zeros). The border is followed exactly as in
/// Suzuki & Abe (1985) step 3, which OpenCV's `findContours` implements; the area of the
/// `CHAIN_APPROX_SIMPLE` polygon equals that of the full chain (dropped points are collinear).
/// A single pixel or a one-pixel-wide line has area 0.
func outerBorderArea(levels: UnsafeBufferPointer<UInt8>, width: Int, height: Int,
                     thresholdLevel: Int, startX: Int, startY: Int) -> Double {
    @inline(__always) func isForeground(_ x: Int, _ y: Int) -> Bool {
        x >= 0 && y >= 0 && x < width && y < height && Int(levels[y &* width &+ x]) > thresholdLevel
    }
    // (3.1) Clockwise from the west neighbour (the background pixel the raster scan came from).
    var firstDirection = -1
    for step in 0..<8 {
        let direction = (4 - step + 8) & 7
        if isForeground(startX + chainDX[direction], startY + chainDY[direction]) {
            firstDirection = direction
            break
        }
    }
    guard firstDirection >= 0 else { return 0 }
    let firstX = startX + chainDX[firstDirection], firstY = startY + chainDY[firstDirection]
    // (3.2) previous = first found, current = start. `directionToPrevious` points current -> previous.
    var currentX = startX, currentY = startY
    var directionToPrevious = firstDirection
    var twiceArea = 0
    while true {
        // (3.3) Counterclockwise from the element after the previous pixel.
        var nextX = 0, nextY = 0, nextDirection = 0
        for step in 1...8 {
            nextDirection = (directionToPrevious + step) & 7
            nextX = currentX + chainDX[nextDirection]
            nextY = currentY + chainDY[nextDirection]
            if isForeground(nextX, nextY) { break }
        }
        // Shoelace term of the edge current -> next (the chain is closed by the last step).
        twiceArea += currentX * nextY - nextX * currentY
        // (3.5) Back at the start, coming from the first-found pixel: the border is closed.
        if nextX == startX && nextY == startY && currentX == firstX && currentY == firstY { break }
        directionToPrevious = (nextDirection + 4) & 7
        currentX = nextX
        currentY = nextY
    }
    return Double(abs(twiceArea)) / 2
}
