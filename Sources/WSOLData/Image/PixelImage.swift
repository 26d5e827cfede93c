//! 8-bit images as decoded from and encoded to files.

/// An 8-bit image, interleaved, row-major: `pixels[(y * width + x) * channels + c]`.
///
/// `channels` is 1 (gray), 3 (RGB) or 4 (RGBA). `x` is the column, `y` the row.
public struct PixelImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var channels: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(channels == 1 || channels == 3 || channels == 4, "PixelImage: channels must be 1, 3 or 4")
        precondition(pixels.count == width * height * channels,
                     "PixelImage: \(pixels.count) bytes for \(width)x\(height)x\(channels)")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// A black (zero) image.
    public init(width: Int, height: Int, channels: Int) {
        self.init(width: width, height: height, channels: channels,
                  pixels: [UInt8](repeating: 0, count: width * height * channels))
    }
}
