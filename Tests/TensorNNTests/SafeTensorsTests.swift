import Foundation
import Testing
@testable import TensorNN

/// Builds a safetensors file by hand: 8-byte LE header length, the JSON text, then raw data.
private func handMadeFile(header: String, data: [UInt8], claimedLength: UInt64? = nil) -> [UInt8] {
    let json = Array(header.utf8)
    let length = claimedLength ?? UInt64(json.count)
    return (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * UInt64($0))) } + json + data
}

private func littleEndianFloats(_ values: [Float]) -> [UInt8] {
    values.flatMap { value in (0..<4).map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * UInt32($0))) } }
}

@Suite struct SafeTensorsTests {
    @Test func readsAHandMadeFile() throws {
        // Two tensors: "w" F32 [2, 2] = 1, 2, 3, 4 at bytes 0..<16; "n" I64 [] = 7 at 16..<24.
        let header = #"{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"n":{"dtype":"I64","shape":[],"data_offsets":[16,24]},"__metadata__":{"format":"pt"}}"#
        let data = littleEndianFloats([1, 2, 3, 4]) + [7, 0, 0, 0, 0, 0, 0, 0]
        let file = try SafeTensors.decode(handMadeFile(header: header, data: data), source: "hand.safetensors")
        #expect(file.names == ["w", "n"])
        #expect(file.arrays["w"] == NamedArray(shape: [2, 2], values: [1, 2, 3, 4]))
        #expect(file.arrays["n"] == NamedArray(shape: [], values: [7], storedDType: .int64))
        #expect(file.metadata == ["format": "pt"])
    }

    @Test func decodesHalfAndBFloat() throws {
        // F16 0x3C00 = 1.0, 0xC000 = -2.0, 0x0001 = 2^-24 (smallest subnormal); BF16 0x3F80 = 1.0.
        let header = #"{"h":{"dtype":"F16","shape":[3],"data_offsets":[0,6]},"b":{"dtype":"BF16","shape":[1],"data_offsets":[6,8]}}"#
        let data: [UInt8] = [0x00, 0x3C, 0x00, 0xC0, 0x01, 0x00, 0x80, 0x3F]
        let file = try SafeTensors.decode(handMadeFile(header: header, data: data), source: "half")
        #expect(file.arrays["h"]?.values == [1, -2, Float(sign: .plus, exponent: -24, significand: 1)])
        #expect(file.arrays["b"]?.values == [1])
    }

    @Test func roundTripsThroughAFile() throws {
        let original = SafeTensorsFile(arrays: [
            ("features.0.weight", NamedArray(shape: [2, 1, 3], values: [0.5, -1, 2, 3.25, -0, 1e-30])),
            ("features.1.num_batches_tracked", NamedArray(shape: [], values: [12], storedDType: .int64)),
            ("empty", NamedArray(shape: [0, 4], values: [])),
        ], metadata: ["producer": "WSOLKit test"])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rt-\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SafeTensors.write(original, to: path)
        let bytes = try #require(FileManager.default.contents(atPath: path))
        let headerLength = Int(bytes[0]) | Int(bytes[1]) << 8
        #expect((8 + headerLength) % 8 == 0, "data section starts 8-byte aligned")
        #expect(try SafeTensors.read(path) == original)
    }

    @Test(arguments: [
        // (description, file bytes, phrase the error must contain)
        ("too short", [UInt8]([1, 2, 3]), "too short"),
        ("huge header length", handMadeFile(header: "{}", data: [], claimedLength: 1 << 40), "exceeds"),
        ("header past end", handMadeFile(header: "{}", data: [], claimedLength: 64), "past the end"),
        ("not JSON", handMadeFile(header: "{nope", data: []), "not a JSON object"),
        ("unknown dtype", handMadeFile(header: #"{"t":{"dtype":"F8","shape":[1],"data_offsets":[0,1]}}"#, data: [0]), "unknown dtype 'F8'"),
        ("shape lies", handMadeFile(header: #"{"t":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8)), "needs 12 bytes"),
        ("truncated data", handMadeFile(header: #"{"t":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, data: [UInt8](repeating: 0, count: 8)), "run past the data section"),
        ("overlap", handMadeFile(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: [UInt8](repeating: 0, count: 8)), "overlaps"),
        ("negative dim", handMadeFile(header: #"{"t":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]), "non-negative"),
        ("reversed offsets", handMadeFile(header: #"{"t":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}}"#, data: [0, 0, 0, 0]), "increasing"),
        ("bad metadata", handMadeFile(header: #"{"__metadata__":{"k":1}}"#, data: []), "__metadata__"),
    ] as [(String, [UInt8], String)])
    func malformedFilesGiveClearErrors(_ testCase: (String, [UInt8], String)) {
        let (name, bytes, phrase) = testCase
        do {
            _ = try SafeTensors.decode(bytes, source: "bad.safetensors")
            Issue.record("\(name): decoded without error")
        } catch let error as WeightsFileError {
            #expect(error.path == "bad.safetensors")
            #expect(error.description.contains(phrase), "\(name): \(error.description)")
        } catch {
            Issue.record("\(name): unexpected error type \(error)")
        }
    }

    @Test func missingFileIsAnError() {
        #expect(throws: WeightsFileError.self) { try SafeTensors.read("/nonexistent/dir/w.safetensors") }
    }

    @Test func atomicWriteIntoMissingDirectoryNamesThePath() {
        do {
            try AtomicFile.write(text: "x", to: "/nonexistent-dir/file.txt")
            Issue.record("wrote into a missing directory")
        } catch let error as FileWriteError {
            #expect(error.path == "/nonexistent-dir/file.txt")
        } catch { Issue.record("unexpected \(error)") }
    }
}

@Suite struct SafeTensorsWideningTests {
    @Test func halfAndSmallIntegersAreWidenedLosslessly() throws {
        let file = SafeTensorsFile(arrays: [
            ("h", NamedArray(shape: [2], values: [1, -2], storedDType: .float16)),
            ("b", NamedArray(shape: [1], values: [1], storedDType: .bool)),
        ])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("widen-\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SafeTensors.write(file, to: path)
        let read = try SafeTensors.read(path)
        #expect(read.arrays["h"] == NamedArray(shape: [2], values: [1, -2], storedDType: .float32))
        #expect(read.arrays["b"] == NamedArray(shape: [1], values: [1], storedDType: .int32))
    }
}
