//! Image files: decode JPEG/PNG, encode PNG/JPEG. Placeholder signatures: the image work fills them in.
import Foundation

/// Why an image file could not be read or written. Every case names the file.
public struct ImageError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var description: String { "\(path): \(reason)" }
}

/// Reads and writes image files through libjpeg-turbo and libpng.
public enum ImageCodec {
    /// Default decompression-bomb limit: 100 megapixels.
    public static let defaultMaxPixels = 100_000_000

    /// Decodes a JPEG or PNG file (format sniffed from its bytes) to RGB (or gray if `gray`).
    public static func read(_ path: String, gray: Bool = false, maxPixels: Int = defaultMaxPixels) throws -> PixelImage {
        throw ImageError(path: path, reason: "image decoding not implemented yet")
    }

    /// Encodes to PNG (gray, RGB or RGBA, 8-bit) and writes atomically.
    public static func writePNG(_ image: PixelImage, to path: String) throws {
        throw ImageError(path: path, reason: "PNG encoding not implemented yet")
    }

    /// Encodes to JPEG (gray or RGB) at `quality` (1-100) and writes atomically.
    public static func writeJPEG(_ image: PixelImage, to path: String, quality: Int = 90) throws {
        throw ImageError(path: path, reason: "JPEG encoding not implemented yet")
    }
}
