//! Which contours of a thresholded map become candidate boxes.

/// Which contours of a thresholded score map give candidate boxes (wsolevaluation's
/// `multi_contour_eval`).
public enum ContourSelection: String, Sendable, CaseIterable {
    /// MaxBoxAcc (V1, CVPR'20): the single contour with the largest polygon area
    /// (`cv2.contourArea` of the traced boundary, not the pixel count).
    case largest
    /// MaxBoxAccV2: every contour, outer boundaries and hole boundaries (`RETR_TREE`).
    case all
}

/// A candidate box of a contour, with wsolevaluation's `cv2.boundingRect` quirk: the rect's
/// `(x, y, w, h)` becomes `(x, y, x + w, y + h)`, one past the last pixel, then clipped to
/// `width - 1` / `height - 1`. Combined with inclusive IoU, predicted boxes are one pixel larger
/// on the right and bottom except at the border; reproduced for parity.
///
/// - Parameters: `minX...maxX`, `minY...maxY` are the contour's inclusive pixel extent.
@inline(__always)
func contourBox(minX: Int, minY: Int, maxX: Int, maxY: Int, width: Int, height: Int) -> Box {
    Box(x0: minX, y0: minY, x1: min(maxX + 1, width - 1), y1: min(maxY + 1, height - 1))
}
