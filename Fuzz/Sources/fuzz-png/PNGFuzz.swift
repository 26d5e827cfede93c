//! Fuzzes our PNG wrapper: format sniffing, header checks, the pixel limit, channel handling.
import FuzzSupport
import WSOLData

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNG(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    let path = FuzzInput.writeScratch(input.bytes, name: "image.png")
    // A 4-megapixel limit, as a loader for 224-pixel training would set: larger headers must be
    // refused before any pixel buffer is allocated.
    let limit = 4_000_000
    exercise(source: path) { _ = try ImageCodec.readHeader(path, maxPixels: limit) }
    exercise(source: path) { _ = try ImageCodec.read(path, maxPixels: limit) }
    exercise(source: path) { _ = try ImageCodec.read(path, gray: true, maxPixels: limit) }
    return 0
}

/// The entry point SwiftPM links as `main` (see runLibFuzzer).
@_cdecl("fuzz_png_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runLibFuzzer(argc, argv, fuzzPNG)
}
