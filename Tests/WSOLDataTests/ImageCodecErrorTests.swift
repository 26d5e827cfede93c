import Foundation
import Testing
@testable import WSOLData

/// Every bad input gives an `ImageError` naming the file and the reason, never a crash.
@Suite struct ImageCodecErrorTests {
    private func expectImageError(_ path: String, reasonContains fragment: String, maxPixels: Int = ImageCodec.defaultMaxPixels,
                                  sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try ImageCodec.read(path, maxPixels: maxPixels)
            Issue.record("expected an error for \(path)", sourceLocation: sourceLocation)
        } catch let error as ImageError {
            #expect(error.path == path, sourceLocation: sourceLocation)
            #expect(error.reason.localizedCaseInsensitiveContains(fragment), "reason: \(error.reason)",
                    sourceLocation: sourceLocation)
            #expect(error.description.hasPrefix(path), sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error type \(error)", sourceLocation: sourceLocation)
        }
    }

    private func write(_ bytes: [UInt8], named name: String) -> String {
        let path = ImageFixtures.scratchDirectory() + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    @Test func missingFile() {
        expectImageError("/nonexistent/dir/cat.jpg", reasonContains: "no such file")
    }

    @Test func emptyFile() {
        expectImageError(write([], named: "empty.jpg"), reasonContains: "empty")
    }

    @Test func unknownFormatIsNamed() {
        expectImageError(write(Array("GIF89a and more".utf8), named: "x.jpg"), reasonContains: "GIF")
        expectImageError(write(Array("hello world".utf8), named: "y.png"), reasonContains: "unknown image format")
    }

    @Test(arguments: [0.3, 0.6, 0.9])
    func truncatedJPEG(keptFraction: Double) {
        let bytes = ImageFixtures.bytes("photo.jpg")
        let cut = Array(bytes.prefix(Int(Double(bytes.count) * keptFraction)))
        expectImageError(write(cut, named: "cut.jpg"), reasonContains: "JPEG")
    }

    @Test func jpegCutInsideTheScanIsReportedAsTruncated() throws {
        // A 64x64 noisy JPEG cut at 70%: the header is whole, the entropy-coded data ends early.
        var noisy = PixelImage(width: 64, height: 64, channels: 3)
        for index in noisy.pixels.indices { noisy.pixels[index] = UInt8((index * 7919) % 251) }
        let whole = ImageFixtures.scratchDirectory() + "/whole.jpg"
        try ImageCodec.writeJPEG(noisy, to: whole)
        let bytes = [UInt8](FileManager.default.contents(atPath: whole)!)
        expectImageError(write(Array(bytes.prefix(bytes.count * 7 / 10)), named: "cut.jpg"), reasonContains: "truncated JPEG")
    }

    @Test(arguments: [0.3, 0.6, 0.9])
    func truncatedPNG(keptFraction: Double) {
        let bytes = ImageFixtures.bytes("rgb16.png")
        let cut = Array(bytes.prefix(Int(Double(bytes.count) * keptFraction)))
        expectImageError(write(cut, named: "cut.png"), reasonContains: "PNG")
    }

    @Test func flippedBytesInPNGData() {
        // Flipping a byte inside IDAT breaks its CRC (or the zlib stream): libpng refuses it.
        var bytes = ImageFixtures.bytes("rgb16.png")
        let idat = bytes.indices.first { Array(bytes[$0..<$0 + 4]) == Array("IDAT".utf8) }!
        bytes[idat + 10] ^= 0xFF
        expectImageError(write(bytes, named: "flipped.png"), reasonContains: "corrupt PNG")
    }

    @Test func flippedBytesInJPEGHeader() {
        // Destroying the SOF0 marker leaves a JPEG without a frame header.
        var bytes = ImageFixtures.bytes("photo.jpg")
        let sof = bytes.indices.first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 }!
        bytes[sof + 1] = 0x01
        expectImageError(write(bytes, named: "flipped.jpg"), reasonContains: "JPEG")
    }

    @Test func decompressionBombsAreRefusedFromTheHeader() {
        // 30000 x 30000 and 60000 x 60000 declared; both far above 100 MP.
        expectImageError(ImageFixtures.path("bomb.png"), reasonContains: "above the limit")
        expectImageError(ImageFixtures.path("bomb.jpg"), reasonContains: "above the limit")
        // A 7x5 image (35 px) above a 34-pixel limit.
        expectImageError(ImageFixtures.path("rgb8.png"), reasonContains: "35 pixels", maxPixels: 34)
    }

    @Test func headerReadsSizeWithoutDecoding() throws {
        let header = try ImageCodec.readHeader(ImageFixtures.path("photo.jpg"))
        #expect(header.width == 24 && header.height == 16 && header.format == .jpeg)
        #expect(throws: ImageError.self) { try ImageCodec.readHeader(ImageFixtures.path("bomb.png")) }
    }

    @Test func writeErrorsNameTheFile() {
        let image = PixelImage(width: 2, height: 2, channels: 4)
        #expect(throws: ImageError.self) { try ImageCodec.writeJPEG(image, to: "/tmp/rgba.jpg") }
        #expect(throws: ImageError.self) { try ImageCodec.writePNG(PixelImage(width: 2, height: 2, channels: 1),
                                                                    to: "/nonexistent/dir/out.png") }
    }
}
