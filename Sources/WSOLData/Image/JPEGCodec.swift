//! JPEG through libjpeg-turbo's TurboJPEG API (2.x: `tjDecompressHeader3`, `tjDecompress2`, `tjCompress2`).
import CImageCodecs

/// JPEG decoding and encoding. One TurboJPEG handle per call: handles are not thread-safe, and
/// creating one costs microseconds against the milliseconds of a decode.
enum JPEGCodec {
    /// Width and height from the JPEG header, checked against `maxPixels`.
    static func header(_ bytes: UnsafeRawBufferPointer, path: String, maxPixels: Int) throws -> (width: Int, height: Int) {
        guard let handle = tjInitDecompress() else { throw ImageError(path: path, reason: "cannot start the JPEG decoder") }
        defer { tjDestroy(handle) }
        return try header(handle, bytes, path: path, maxPixels: maxPixels).size
    }

    private struct Header {
        var size: (width: Int, height: Int)
        var colorspace: Int32
    }

    private static func header(_ handle: tjhandle, _ bytes: UnsafeRawBufferPointer, path: String,
                               maxPixels: Int) throws -> Header {
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        if tjDecompressHeader3(handle, base, UInt(bytes.count), &width, &height, &subsampling, &colorspace) != 0 {
            throw ImageError(path: path, reason: "corrupt JPEG header (\(errorString(handle)))")
        }
        try ImageCodec.checkSize(width: Int(width), height: Int(height), maxPixels: maxPixels, path: path)
        return Header(size: (Int(width), Int(height)), colorspace: colorspace)
    }

    /// Decodes to gray (for grayscale JPEGs) or RGB, optionally at a reduced DCT scale.
    static func decode(_ bytes: UnsafeRawBufferPointer, path: String, maxPixels: Int,
                       options: JPEGDecodeOptions) throws -> PixelImage {
        guard let handle = tjInitDecompress() else { throw ImageError(path: path, reason: "cannot start the JPEG decoder") }
        defer { tjDestroy(handle) }
        let header = try header(handle, bytes, path: path, maxPixels: maxPixels)
        if header.colorspace == Int32(TJCS_CMYK.rawValue) || header.colorspace == Int32(TJCS_YCCK.rawValue) {
            throw ImageError(path: path, reason: "CMYK JPEG images are not supported")
        }
        let isGray = header.colorspace == Int32(TJCS_GRAY.rawValue)
        let channels = isGray ? 1 : 3
        let (width, height) = scaledSize(header.size, options: options)
        var image = PixelImage(width: width, height: height, channels: channels)
        let status = image.pixels.withUnsafeMutableBufferPointer { output in
            tjDecompress2(handle, bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt(bytes.count),
                          output.baseAddress, Int32(width), 0, Int32(height),
                          Int32(isGray ? TJPF_GRAY.rawValue : TJPF_RGB.rawValue), 0)
        }
        if status != 0 { try judgeDecodeProblem(handle, path: path) }
        return image
    }

    /// TurboJPEG reports recoverable problems as warnings. A truncated file ("Premature end of JPEG
    /// file") is only a warning to libjpeg (the missing rows come out gray) but PIL refuses it, and
    /// so do we. Other warnings ("Corrupt JPEG data: ..." such as extraneous bytes or a marker
    /// inside a data segment) leave a decoded image that PIL accepts, and so do we.
    private static func judgeDecodeProblem(_ handle: tjhandle, path: String) throws {
        let message = errorString(handle)
        let isTruncated = message.localizedCaseInsensitiveContains("premature end of jpeg file")
        if isTruncated {
            throw ImageError(path: path, reason: "truncated JPEG data (\(message))")
        }
        if tjGetErrorCode(handle) == Int32(TJERR_FATAL.rawValue) {
            throw ImageError(path: path, reason: "corrupt JPEG data (\(message))")
        }
    }

    /// The size after the smallest DCT scaling that keeps both sides >= the requested minimum.
    private static func scaledSize(_ size: (width: Int, height: Int), options: JPEGDecodeOptions) -> (Int, Int) {
        guard let target = options.scaleDownToAtLeast else { return size }
        var best = size
        // libjpeg-turbo scales by n/8; only the cheap power-of-two reductions are considered.
        for denominator in [2, 4, 8] {
            // TJSCALED: ceil(dimension * num / denom).
            let width = (size.width + denominator - 1) / denominator
            let height = (size.height + denominator - 1) / denominator
            guard width >= target.width, height >= target.height else { break }
            best = (width, height)
        }
        return best
    }

    /// Encodes gray (`TJSAMP_GRAY`) or RGB (4:2:0) at `quality` 1-100.
    static func encode(_ image: PixelImage, quality: Int, path: String) throws -> [UInt8] {
        guard image.channels == 1 || image.channels == 3 else {
            throw ImageError(path: path, reason: "JPEG can store gray or RGB images, not \(image.channels) channels")
        }
        guard (1...100).contains(quality) else {
            throw ImageError(path: path, reason: "JPEG quality \(quality) is not in 1...100")
        }
        guard image.width > 0, image.height > 0 else { throw ImageError(path: path, reason: "cannot encode a zero-size image") }
        guard let handle = tjInitCompress() else { throw ImageError(path: path, reason: "cannot start the JPEG encoder") }
        defer { tjDestroy(handle) }
        let isGray = image.channels == 1
        var output: UnsafeMutablePointer<UInt8>? = nil
        var outputSize: UInt = 0
        let status = image.pixels.withUnsafeBufferPointer { input in
            tjCompress2(handle, input.baseAddress, Int32(image.width), 0, Int32(image.height),
                        Int32(isGray ? TJPF_GRAY.rawValue : TJPF_RGB.rawValue), &output, &outputSize,
                        Int32(isGray ? TJSAMP_GRAY.rawValue : TJSAMP_420.rawValue), Int32(quality), 0)
        }
        defer { if let output { tjFree(output) } }
        guard status == 0, let output else {
            throw ImageError(path: path, reason: "JPEG encoding failed (\(errorString(handle)))")
        }
        return Array(UnsafeBufferPointer(start: output, count: Int(outputSize)))
    }

    private static func errorString(_ handle: tjhandle) -> String {
        guard let message = tjGetErrorStr2(handle) else { return "unknown error" }
        return String(cString: message)
    }
}
