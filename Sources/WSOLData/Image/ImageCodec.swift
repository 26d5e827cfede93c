//! Image files: decode JPEG/PNG, encode PNG/JPEG through libjpeg-turbo and libpng.
import Foundation
import TensorNN

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

/// The container format of an image file, recognised from its first bytes (never its name).
public enum ImageFormat: String, Sendable {
    case jpeg, png

    /// Recognises JPEG (`FF D8 FF`) and PNG (the 8-byte signature). Returns nil for anything else.
    public static func sniff(_ bytes: UnsafeRawBufferPointer) -> ImageFormat? {
        let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        if bytes.count >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF { return .jpeg }
        if bytes.count >= 8, zip(bytes.prefix(8), pngSignature).allSatisfy({ $0 == $1 }) { return .png }
        return nil
    }

    /// A human name for common formats we do not decode, for the error message.
    static func describeUnsupported(_ bytes: UnsafeRawBufferPointer) -> String {
        func starts(_ prefix: [UInt8]) -> Bool {
            bytes.count >= prefix.count && zip(bytes.prefix(prefix.count), prefix).allSatisfy { $0 == $1 }
        }
        if starts(Array("GIF8".utf8)) { return "GIF" }
        if starts(Array("BM".utf8)) { return "BMP" }
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { return "TIFF" }
        if starts(Array("RIFF".utf8)), bytes.count >= 12,
           String(decoding: bytes[8..<12], as: UTF8.self) == "WEBP" { return "WebP" }
        return "unrecognised"
    }
}

/// Options of JPEG decoding beyond the reference pipeline.
public struct JPEGDecodeOptions: Sendable, Equatable {
    /// When set, a JPEG is decoded at the smallest of libjpeg-turbo's DCT scales (1/2, 1/4, 1/8)
    /// whose result still has both sides >= this size (width, height). Much faster for photos
    /// headed for 224x224, but the pixels differ from a full decode followed by resizing (PIL does
    /// a full decode), so the reference pipelines leave it nil.
    public var scaleDownToAtLeast: (width: Int, height: Int)?

    public init(scaleDownToAtLeast: (width: Int, height: Int)? = nil) {
        self.scaleDownToAtLeast = scaleDownToAtLeast
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.scaleDownToAtLeast?.width == rhs.scaleDownToAtLeast?.width
            && lhs.scaleDownToAtLeast?.height == rhs.scaleDownToAtLeast?.height
    }
}

/// Reads and writes image files through libjpeg-turbo and libpng.
///
/// Channel conversions follow PIL (what wsolevaluation's `Image.open(p).convert('RGB')` does):
/// gray is replicated to RGB, alpha is dropped (not composited), and RGB to gray is
/// `L = (19595 R + 38470 G + 7471 B + 32768) >> 16` (ITU-R 601-2 luma).
public enum ImageCodec {
    /// Default decompression-bomb limit: 100 megapixels.
    public static let defaultMaxPixels = 100_000_000

    /// Decodes a JPEG or PNG file (format sniffed from its bytes) to RGB (or gray if `gray`).
    ///
    /// Throws `ImageError` naming the file for: a missing or unreadable file, an empty file, an
    /// unknown format, a corrupt or truncated stream, a zero-size image, or an image whose header
    /// declares more than `maxPixels` pixels (checked before any pixel is decoded).
    public static func read(_ path: String, gray: Bool = false, maxPixels: Int = defaultMaxPixels) throws -> PixelImage {
        try read(path, gray: gray, maxPixels: maxPixels, jpeg: JPEGDecodeOptions())
    }

    /// `read` with JPEG decoding options (see `JPEGDecodeOptions`).
    public static func read(_ path: String, gray: Bool = false, maxPixels: Int = defaultMaxPixels,
                            jpeg options: JPEGDecodeOptions) throws -> PixelImage {
        let bytes = try readFileBytes(path)
        let decoded = try bytes.withUnsafeBytes { raw -> PixelImage in
            switch ImageFormat.sniff(raw) {
            case .jpeg: return try JPEGCodec.decode(raw, path: path, maxPixels: maxPixels, options: options)
            case .png: return try PNGCodec.decode(raw, path: path, maxPixels: maxPixels)
            case nil:
                throw ImageError(path: path, reason: "unknown image format (\(ImageFormat.describeUnsupported(raw))); "
                                 + "only JPEG and PNG are supported")
            }
        }
        return decoded.converted(toChannels: gray ? 1 : 3)
    }

    /// The size `(width, height)` and format of an image file from its header only, with the same
    /// checks as `read` except that the pixel data is not decoded (a cheap validation pass).
    /// Only the first 256 KiB are read (enough for the metadata segments before a JPEG frame
    /// header or a PNG's first data chunk); the whole file only if the header lies beyond them.
    public static func readHeader(_ path: String, maxPixels: Int = defaultMaxPixels)
        throws -> (width: Int, height: Int, format: ImageFormat) {
        let prefixLength = 256 * 1024
        let prefix = try readFileBytes(path, limit: prefixLength)
        if prefix.count == prefixLength, let header = try? parseHeader(prefix, path: path, maxPixels: maxPixels) {
            return header
        }
        // Short file (the prefix is the whole file) or a header beyond the prefix: parse it all,
        // so that errors describe the real file.
        return try parseHeader(prefix.count < prefixLength ? prefix : readFileBytes(path), path: path, maxPixels: maxPixels)
    }

    private static func parseHeader(_ bytes: Data, path: String, maxPixels: Int)
        throws -> (width: Int, height: Int, format: ImageFormat) {
        try bytes.withUnsafeBytes { raw in
            switch ImageFormat.sniff(raw) {
            case .jpeg:
                let size = try JPEGCodec.header(raw, path: path, maxPixels: maxPixels)
                return (size.width, size.height, .jpeg)
            case .png:
                let size = try PNGCodec.header(raw, path: path, maxPixels: maxPixels)
                return (size.width, size.height, .png)
            case nil:
                throw ImageError(path: path, reason: "unknown image format (\(ImageFormat.describeUnsupported(raw))); "
                                 + "only JPEG and PNG are supported")
            }
        }
    }

    /// Encodes to PNG (gray, RGB or RGBA, 8-bit) and writes atomically.
    public static func writePNG(_ image: PixelImage, to path: String) throws {
        try writeFileAtomically(PNGCodec.encode(image, path: path), to: path)
    }

    /// Encodes to JPEG (gray or RGB) at `quality` (1-100) and writes atomically.
    /// Colour images use 4:2:0 chroma subsampling (PIL's default).
    public static func writeJPEG(_ image: PixelImage, to path: String, quality: Int = 90) throws {
        try writeFileAtomically(JPEGCodec.encode(image, quality: quality, path: path), to: path)
    }

    /// The bytes of a file (at most `limit` of them), or an `ImageError` saying why not.
    static func readFileBytes(_ path: String, limit: Int? = nil) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ImageError(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw ImageError(path: path, reason: "is a directory, not an image file") }
        let data: Data
        do {
            if let limit {
                let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
                defer { try? handle.close() }
                data = try handle.read(upToCount: limit) ?? Data()
            } else {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            }
        } catch {
            throw ImageError(path: path, reason: "cannot read file (\(error.localizedDescription))")
        }
        guard !data.isEmpty else { throw ImageError(path: path, reason: "empty file (0 bytes)") }
        return data
    }

    /// Writes `bytes` atomically (``AtomicFile``), so readers never see a half-written image.
    static func writeFileAtomically(_ bytes: [UInt8], to path: String) throws {
        do {
            try AtomicFile.write(bytes, to: path, durable: false)
        } catch let failure as FileWriteError {
            throw ImageError(path: path, reason: failure.reason)
        }
    }

    /// The shared header checks: positive size and at most `maxPixels` pixels.
    static func checkSize(width: Int, height: Int, maxPixels: Int, path: String) throws {
        guard width > 0, height > 0 else {
            throw ImageError(path: path, reason: "zero-size image (\(width)x\(height))")
        }
        guard width.multipliedReportingOverflow(by: height).partialValue <= maxPixels,
              !width.multipliedReportingOverflow(by: height).overflow else {
            throw ImageError(path: path, reason: "image of \(width)x\(height) = \(width * height) pixels is above the "
                             + "limit of \(maxPixels) pixels (decompression bomb?)")
        }
    }
}
