import Foundation
import Testing
@testable import WSOLData

/// Hand-made PNG files: signature, IHDR, one IDAT holding an uncompressed ("stored") deflate
/// block, IEND; CRCs and the Adler-32 computed here so that only the field under test is wrong.
enum HandMadePNG {
    static func file(width: UInt32, height: UInt32, bitDepth: UInt8 = 8, colorType: UInt8 = 0, rows: [[UInt8]]) -> [UInt8] {
        let header = bigEndian(width) + bigEndian(height) + [bitDepth, colorType, 0, 0, 0]
        let raw: [UInt8] = rows.flatMap { row -> [UInt8] in [0] + row }   // filter byte 0 (None) per row
        let length = UInt16(raw.count)
        let blockHeader: [UInt8] = [0x78, 0x01, 0x01, UInt8(length & 0xFF), UInt8(length >> 8),
                                    UInt8(~length & 0xFF), UInt8(~length >> 8)]
        let deflate = blockHeader + raw + bigEndian(adler32(raw))
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
            + chunk("IHDR", header) + chunk("IDAT", deflate) + chunk("IEND", [])
    }
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + body + bigEndian(crc32(body))
    }
    static func bigEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * UInt32($0))) } }
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var (a, b): (UInt32, UInt32) = (1, 0)
        for byte in bytes { a = (a + UInt32(byte)) % 65_521; b = (b + a) % 65_521 }
        return b << 16 | a
    }
}

/// The malformed-input corpus of the data readers (docs/reliability.md): truncated files, lying
/// sizes, absurd dimensions, deep nesting, NaN/Inf. Each gives a typed error naming the file.
@Suite struct MalformedInputTests {
    private func scratch(_ bytes: [UInt8], _ name: String) -> String {
        let path = NSTemporaryDirectory() + "malformed-\(UUID().uuidString.prefix(8))-\(name)"
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    /// Sanity check of the builder: a 2x2 gray PNG (0, 64 / 128, 255) decodes to those values.
    @Test func handMadePNGDecodes() throws {
        let path = scratch(HandMadePNG.file(width: 2, height: 2, rows: [[0, 64], [128, 255]]), "ok.png")
        let image = try ImageCodec.read(path, gray: true)
        #expect(image.width == 2 && image.height == 2 && image.pixels == [0, 64, 128, 255])
    }

    @Test(arguments: [
        ("zero width", HandMadePNG.file(width: 0, height: 2, rows: [[], []])),
        ("absurd dimensions", HandMadePNG.file(width: 0x7FFF_FFFF, height: 0x7FFF_FFFF, rows: [[0]])),
        ("unknown colour type 5", HandMadePNG.file(width: 1, height: 1, colorType: 5, rows: [[0]])),
        ("bit depth 3", HandMadePNG.file(width: 1, height: 1, bitDepth: 3, rows: [[0]])),
        ("rows missing", HandMadePNG.file(width: 4, height: 4, rows: [[1, 2, 3, 4]])),
    ])
    func malformedPNG(_ name: String, _ bytes: [UInt8]) {
        let path = scratch(bytes, "bad.png")
        #expect { try ImageCodec.read(path) } throws: { error in
            (error as? ImageError)?.path == path && "\(error)".hasPrefix(path)
        }
    }

    @Test func npyWithLyingShapeOrAbsurdDimensions() {
        func npy(_ header: String, data: [UInt8]) -> [UInt8] {
            var text = Array(header.utf8)
            while (10 + text.count + 1) % 64 != 0 { text.append(UInt8(ascii: " ")) }
            text.append(UInt8(ascii: "\n"))
            return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(text.count & 0xFF), UInt8(text.count >> 8)] + text + data
        }
        let cases: [(String, [UInt8], String)] = [
            // 2^31 x 2^31 elements of 8 bytes: the byte count overflows Int64.
            ("overflow", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2147483648, 2147483648), }", data: [0]), "truncated data"),
            ("negative", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 4), }", data: []), "invalid shape"),
            ("huge", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", data: []), "shape"),
            ("no shape end", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2", data: []), "shape"),
            ("object dtype", npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", data: [0]), "unsupported dtype"),
        ]
        for (name, bytes, phrase) in cases {
            let error = #expect(throws: NumpyError.self, "\(name)") { try NumpyFile.decode(bytes, path: "m.npy") }
            #expect(error?.path == "m.npy" && error?.reason.contains(phrase) == true, "\(name): \(String(describing: error))")
        }
    }

    @Test(arguments: [
        ("x,nan,0,1,1", "x0 'nan' is not a finite number"),
        ("x,0,inf,1,1", "y0 'inf' is not a finite number"),
        ("x,0,0,1e999,1", "x1 '1e999' is not a finite number"),
    ])
    func nonFiniteBoxCoordinates(_ line: String, _ reason: String) throws {
        try withTemporaryDirectory { root in
            try writeFiles(["image_ids.txt": "x\n", "class_labels.txt": "x,0\n", "localization.txt": line + "\n"], in: root)
            let error = try #require(throws: MetadataError.self) { try WSOLMetadata.read(directory: root) }
            #expect(error.path.hasSuffix("localization.txt") && error.line == 1)
            #expect(error.reason.contains(reason), "\(error)")
        }
    }

    @Test func absurdNumbersInSizesAndLabels() throws {
        try withTemporaryDirectory { root in
            try writeFiles(["image_ids.txt": "x\n", "class_labels.txt": "x,99999999999999999999\n"], in: root)
            let label = try #require(throws: MetadataError.self) { try WSOLMetadata.read(directory: root) }
            #expect(label.path.hasSuffix("class_labels.txt") && label.reason.contains("not an integer"))
            try writeFiles(["class_labels.txt": "x,0\n", "image_sizes.txt": "x,-5,3\n"], in: root)
            let size = try #require(throws: MetadataError.self) { try WSOLMetadata.read(directory: root) }
            #expect(size.path.hasSuffix("image_sizes.txt") && size.reason.contains("not positive"))
        }
    }

    /// JSON nested 100,000 deep: an error naming the file, not a stack overflow in the parser.
    @Test func deeplyNestedCOCOJSON() throws {
        let json = #"{"images": "# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        let path = scratch(Array(json.utf8), "deep.json")
        let error = try #require(throws: MetadataError.self) {
            try COCOImporter.importFile(annotationsPath: path, imagesDirectory: "i")
        }
        #expect(error.path == path)
    }

    @Test func cocoNumbersOutOfRange() throws {
        let json = """
            {"images": [{"id": 1, "file_name": "a", "width": 1e30, "height": 2}], "categories": [{"id": 1, "name": "c"}],
             "annotations": [{"image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1]}]}
            """
        let path = scratch(Array(json.utf8), "range.json")
        let error = try #require(throws: MetadataError.self) {
            try COCOImporter.importFile(annotationsPath: path, imagesDirectory: "i")
        }
        // Foundation's decoder reports a number out of Int's range as invalid JSON, without a path.
        #expect(error.path == path && error.reason.contains("JSON"), "\(error)")
    }
}
