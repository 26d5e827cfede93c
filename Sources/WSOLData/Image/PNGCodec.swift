//! PNG through libpng's simplified API (`png_image_*`), which reports errors in the struct's
//! `message` field instead of longjmp.
import CImageCodecs

/// PNG decoding and encoding.
enum PNGCodec {
    /// Width and height from the PNG header, checked against `maxPixels`.
    static func header(_ bytes: UnsafeRawBufferPointer, path: String, maxPixels: Int) throws -> (width: Int, height: Int) {
        var image = png_image()
        defer { png_image_free(&image) }
        try beginRead(&image, bytes, path: path, maxPixels: maxPixels)
        return (Int(image.width), Int(image.height))
    }

    private static func beginRead(_ image: inout png_image, _ bytes: UnsafeRawBufferPointer, path: String,
                                  maxPixels: Int) throws {
        image.version = UInt32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_memory(&image, bytes.baseAddress, bytes.count) != 0 else {
            throw ImageError(path: path, reason: "corrupt PNG header (\(message(of: image)))")
        }
        try ImageCodec.checkSize(width: Int(image.width), height: Int(image.height), maxPixels: maxPixels, path: path)
    }

    /// Decodes to 8 bits per channel keeping the file's own channels: gray, gray+alpha (returned as
    /// RGBA), RGB or RGBA. Palettes are expanded; 16-bit samples are scaled to 8 bits as sRGB values
    /// (`PNG_IMAGE_FLAG_16BIT_sRGB`: no linear-to-sRGB gamma step, like PIL and OpenCV).
    static func decode(_ bytes: UnsafeRawBufferPointer, path: String, maxPixels: Int) throws -> PixelImage {
        var image = png_image()
        defer { png_image_free(&image) }
        try beginRead(&image, bytes, path: path, maxPixels: maxPixels)
        image.flags |= UInt32(PNG_IMAGE_FLAG_16BIT_sRGB)
        let hasColor = image.format & UInt32(PNG_FORMAT_FLAG_COLOR) != 0
        let hasAlpha = image.format & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0
        // Gray+alpha is read as RGBA so that PixelImage needs no 2-channel layout.
        let channels = hasAlpha ? 4 : (hasColor ? 3 : 1)
        image.format = pngFormat(channels: channels)
        var result = PixelImage(width: Int(image.width), height: Int(image.height), channels: channels)
        let stride = Int32(result.width * channels)
        let status = result.pixels.withUnsafeMutableBytes { output in
            png_image_finish_read(&image, nil, output.baseAddress, stride, nil)
        }
        guard status != 0 else {
            let text = message(of: image)
            let reason = text.localizedCaseInsensitiveContains("eof") || text.localizedCaseInsensitiveContains("end of")
                ? "truncated PNG data" : "corrupt PNG data"
            throw ImageError(path: path, reason: "\(reason) (\(text))")
        }
        return result
    }

    /// Encodes an 8-bit gray, RGB or RGBA image.
    static func encode(_ pixels: PixelImage, path: String) throws -> [UInt8] {
        guard pixels.width > 0, pixels.height > 0 else { throw ImageError(path: path, reason: "cannot encode a zero-size image") }
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(pixels.width)
        image.height = UInt32(pixels.height)
        image.format = pngFormat(channels: pixels.channels)
        defer { png_image_free(&image) }
        let stride = Int32(pixels.width * pixels.channels)
        // First call sizes the output, second fills it.
        var size = 0
        let sized = pixels.pixels.withUnsafeBytes { input in
            png_image_write_to_memory(&image, nil, &size, 0, input.baseAddress, stride, nil)
        }
        guard sized != 0, size > 0 else { throw ImageError(path: path, reason: "PNG encoding failed (\(message(of: image)))") }
        var output = [UInt8](repeating: 0, count: size)
        let written = output.withUnsafeMutableBytes { buffer in
            pixels.pixels.withUnsafeBytes { input in
                png_image_write_to_memory(&image, buffer.baseAddress, &size, 0, input.baseAddress, stride, nil)
            }
        }
        guard written != 0 else { throw ImageError(path: path, reason: "PNG encoding failed (\(message(of: image)))") }
        return Array(output.prefix(size))
    }

    /// `PNG_FORMAT_GRAY`, `_RGB` or `_RGBA` (composite macros do not import into Swift).
    private static func pngFormat(channels: Int) -> UInt32 {
        let color = UInt32(PNG_FORMAT_FLAG_COLOR), alpha = UInt32(PNG_FORMAT_FLAG_ALPHA)
        return channels == 4 ? color | alpha : (channels == 3 ? color : 0)
    }

    private static func message(of image: png_image) -> String {
        withUnsafeBytes(of: image.message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
    }
}
