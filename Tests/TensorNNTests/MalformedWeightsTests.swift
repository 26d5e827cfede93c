import Foundation
import Testing
@testable import TensorNN

/// Hand-built legacy (pre-1.6) PyTorch files: five pickles (magic number, protocol 1001, system
/// info, the state_dict, the storage keys) followed by each storage as an int64 count + raw bytes.
enum LegacyCheckpoint {
    static func text(_ value: String) -> [UInt8] {       // BINUNICODE
        [UInt8(ascii: "X")] + littleEndian(UInt64(value.utf8.count), bytes: 4) + Array(value.utf8)
    }
    static func littleEndian(_ value: UInt64, bytes: Int) -> [UInt8] {
        (0..<bytes).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }
    static func global(_ module: String, _ name: String) -> [UInt8] { Array("c\(module)\n\(name)\n".utf8) }
    /// LONG1 with 8 bytes: any Int64, negative ones included.
    static func int64(_ value: Int64) -> [UInt8] { [0x8A, 8] + littleEndian(UInt64(bitPattern: value), bytes: 8) }
    static func tuple(_ items: [[UInt8]]) -> [UInt8] { [UInt8(ascii: "(")] + items.flatMap { $0 } + [UInt8(ascii: "t")] }

    /// `_rebuild_tensor_v2(storage('0', FloatStorage, count), offset, size, stride, False, OrderedDict())`.
    static func tensor(count: Int64, offset: Int64 = 0, size: [Int64], stride: [Int64]) -> [UInt8] {
        let storageID = tuple([text("storage"), global("torch", "FloatStorage"), text("0"), text("cpu"), int64(count)])
        let arguments = tuple([storageID + [UInt8(ascii: "Q")], int64(offset), tuple(size.map(int64)), tuple(stride.map(int64)),
                               [0x89], global("collections", "OrderedDict") + [UInt8(ascii: ")"), UInt8(ascii: "R")]])
        return global("torch._utils", "_rebuild_tensor_v2") + arguments + [UInt8(ascii: "R")]
    }
    /// `{"w": value}` as a pickle body.
    static func dictionary(_ name: String, _ value: [UInt8]) -> [UInt8] {
        [UInt8(ascii: "}"), UInt8(ascii: "(")] + text(name) + value + [UInt8(ascii: "u")]
    }
    /// The whole file; `storage` is written after the count `storageCount` (which may lie).
    static func file(root: [UInt8], keys: [String] = ["0"], storageCount: Int64 = 0, storage: [UInt8] = []) -> [UInt8] {
        let proto: [UInt8] = [0x80, 0x02]
        let stop = UInt8(ascii: ".")
        var bytes = proto + [0x8A, 10] + TorchCheckpoint.legacyMagic + [stop]
        bytes += proto + [UInt8(ascii: "M"), 0xE9, 0x03, stop]                   // 1001
        bytes += proto + [UInt8(ascii: "}"), stop]                              // system info
        bytes += proto + root + [stop]
        bytes += proto + [UInt8(ascii: "]")] + keys.flatMap { text($0) + [UInt8(ascii: "a")] } + [stop]
        if !keys.isEmpty { bytes += littleEndian(UInt64(bitPattern: storageCount), bytes: 8) + storage }
        return bytes
    }
}

/// Weight files that lie, loop, nest or overflow: each must give a ``WeightsFileError`` naming the
/// file and the problem, never a crash (the regression inputs of the fuzzing, docs/reliability.md).
@Suite struct MalformedWeightsTests {
    private func readError(_ bytes: [UInt8], name: String = "bad.pth") throws -> WeightsFileError {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("malformed-\(UUID())-\(name)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try AtomicFile.write(bytes, to: path, durable: false)
        let error = try #require(throws: WeightsFileError.self) { try TorchCheckpoint.read(path) }
        #expect(error.path == path)
        return error
    }

    /// Sanity check of the builder: a well-formed file with 2 floats 1.5, -2 reads back.
    @Test func handBuiltLegacyFileReads() throws {
        let root = LegacyCheckpoint.dictionary("w", LegacyCheckpoint.tensor(count: 2, size: [2], stride: [1]))
        // 1.5 = 0x3FC00000, -2 = 0xC0000000 (little endian).
        let file = LegacyCheckpoint.file(root: root, storageCount: 2, storage: [0, 0, 0xC0, 0x3F, 0, 0, 0, 0xC0])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("legacy-\(UUID()).pth").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try AtomicFile.write(file, to: path, durable: false)
        #expect(try TorchCheckpoint.read(path).arrays["w"] == NamedArray(shape: [2], values: [1.5, -2]))
    }

    @Test(arguments: [
        // (case, state_dict pickle, storage count written after the pickles, phrase)
        ("negative storage count", LegacyCheckpoint.dictionary("w", LegacyCheckpoint.tensor(count: -4, size: [1], stride: [1])), 1, "storage"),
        ("absurd storage count", LegacyCheckpoint.dictionary("w", LegacyCheckpoint.tensor(count: 1 << 62, size: [1], stride: [1])), 1, "storage"),
        ("storage length field lies", LegacyCheckpoint.dictionary("w", LegacyCheckpoint.tensor(count: 1, size: [1], stride: [1])), Int64.max, "storage"),
        ("negative length field", LegacyCheckpoint.dictionary("w", LegacyCheckpoint.tensor(count: 1, size: [1], stride: [1])), -3, "storage"),
        ("shape overflows", LegacyCheckpoint.dictionary("w", LegacyCheckpoint.tensor(count: 1, size: [1 << 40, 1 << 40], stride: [0, 0])), 1, "size"),
        ("stride overflows", LegacyCheckpoint.dictionary("w", LegacyCheckpoint.tensor(count: 1, size: [3], stride: [1 << 62])), 1, "stride"),
        ("offset past the storage", LegacyCheckpoint.dictionary("w", LegacyCheckpoint.tensor(count: 1, offset: 5, size: [1], stride: [1])), 1, "past its storage"),
        ("unknown opcode", [0xFF], 1, "opcode 0xff"),
        ("dict holding itself", [UInt8(ascii: "}"), UInt8(ascii: "q"), 0, UInt8(ascii: "K"), 1, UInt8(ascii: "h"), 0, UInt8(ascii: "s")], 1, "nested"),
    ] as [(String, [UInt8], Int64, String)])
    func legacyFilesThatLie(_ testCase: (String, [UInt8], Int64, String)) throws {
        let (name, root, count, phrase) = testCase
        let error = try readError(LegacyCheckpoint.file(root: root, storageCount: count, storage: [0, 0, 0x80, 0x3F]))
        #expect(error.reason.contains(phrase), "\(name): \(error.reason)")
    }

    /// 100,000 nested dicts (`{1: {1: {...}}}`) or tuples: refused as too deep, and freeing what
    /// was built does not overflow the stack.
    @Test func deepNestingIsRefused() throws {
        let depth = 100_000
        var dicts: [UInt8] = []
        for _ in 0..<depth { dicts += [UInt8(ascii: "}"), UInt8(ascii: "K"), 1] }
        dicts += [UInt8(ascii: "}")] + Array(repeating: UInt8(ascii: "s"), count: depth)
        #expect(try readError(LegacyCheckpoint.file(root: dicts)).reason.contains("nested"))
        let tuples = [UInt8(ascii: ")")] + Array(repeating: 0x85, count: depth)   // EMPTY_TUPLE, TUPLE1...
        #expect(try readError(LegacyCheckpoint.file(root: tuples)).reason.contains("nested"))
    }

    /// A safetensors header that nests JSON arrays 100,000 deep is refused, not a stack overflow.
    @Test func deeplyNestedSafeTensorsHeader() throws {
        let json = Array(repeating: UInt8(ascii: "["), count: 100_000) + Array(repeating: UInt8(ascii: "]"), count: 100_000)
        let bytes = LegacyCheckpoint.littleEndian(UInt64(json.count), bytes: 8) + json
        #expect { try SafeTensors.decode(bytes, source: "deep.safetensors") } throws: { error in
            "\(error)".hasPrefix("deep.safetensors") && "\(error)".contains("not a JSON object")
        }
    }

    /// Integer arrays whose values do not fit their type on writing are refused, naming the tensor
    /// (Float(Int64.max) rounds to 2^63, one past the largest Int64).
    @Test func writingOutOfRangeIntegersIsAnErrorNotATrap() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("range-\(UUID()).safetensors").path
        let file = SafeTensorsFile(arrays: [("count", NamedArray(shape: [2], values: [1, .nan], storedDType: .int64)),
                                            ("big", NamedArray(shape: [1], values: [9.3e18], storedDType: .int64))])
        let error = try #require(throws: WeightsFileError.self) { try SafeTensors.write(file, to: path) }
        #expect(error.path == path && error.tensor == "count")
        #expect(error.reason.contains("I64"), "\(error.reason)")
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
