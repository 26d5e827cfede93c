//! DA-WSOL's Target Sample Assigner clusters drawn over the photo: one colour per set.

/// Renders a per-pixel cluster map (0 = `T^u` universum, 1 = `T^f` pseudo-source, 2 = `T^t` true
/// target) over a photo: each photo pixel takes its cell's colour (nearest-neighbour upsampling of
/// the `mapWidth × mapHeight` grid) blended half and half with the photo.
/// Colours: `T^u` blue, `T^f` yellow, `T^t` red.
public enum AssignmentOverlay {
    public static let colours: [[Float]] = [[40, 90, 230], [240, 220, 40], [230, 40, 40]]

    /// - Parameters:
    ///   - photo: the image as shown (any size; grey or RGB(A) is converted to RGB).
    ///   - clusters: `mapHeight × mapWidth` values in 0...2, row-major.
    /// - Returns: an RGB image of the photo's size.
    public static func render(photo: PixelImage, clusters: [Int], mapWidth: Int, mapHeight: Int,
                              opacity: Float = 0.5) -> PixelImage {
        precondition(clusters.count == mapWidth * mapHeight && clusters.allSatisfy { (0...2).contains($0) },
                     "AssignmentOverlay: \(clusters.count) clusters in 0...2 for a \(mapWidth)x\(mapHeight) map")
        let rgb = photo.converted(toChannels: 3)
        var pixels = rgb.pixels
        for y in 0..<rgb.height {
            let row = min(y * mapHeight / rgb.height, mapHeight - 1)
            for x in 0..<rgb.width {
                let column = min(x * mapWidth / rgb.width, mapWidth - 1)
                let colour = colours[clusters[row * mapWidth + column]]
                for channel in 0..<3 {
                    let index = (y * rgb.width + x) * 3 + channel
                    let blended = Float(pixels[index]) * (1 - opacity) + colour[channel] * opacity
                    pixels[index] = UInt8(max(0, min(255, blended.rounded())))
                }
            }
        }
        return PixelImage(width: rgb.width, height: rgb.height, channels: 3, pixels: pixels)
    }
}
