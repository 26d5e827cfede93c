//! The safetensors format: an 8-byte little-endian header length, a JSON header
//! `{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {..}}`, then the data.
import Foundation

/// Why a weights file was refused. Names the file and, where it applies, the tensor.
public struct WeightsFileError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var tensor: String?
    public var reason: String
    public init(path: String, tensor: String? = nil, reason: String) {
        self.path = path
        self.tensor = tensor
        self.reason = reason
    }
    public var description: String {
        if let tensor { return "\(path): tensor '\(tensor)': \(reason)" }
        return "\(path): \(reason)"
    }
}

/// The contents of a safetensors file: arrays in header order plus the free-form metadata.
public struct SafeTensorsFile: Sendable, Equatable {
    /// Names in the order they are stored (sorted by data offset).
    public var names: [String]
    public var arrays: [String: NamedArray]
    public var metadata: [String: String]

    public init(arrays: [(String, NamedArray)], metadata: [String: String] = [:]) {
        names = arrays.map(\.0)
        self.arrays = Dictionary(arrays, uniquingKeysWith: { _, last in last })
        precondition(self.arrays.count == names.count, "SafeTensorsFile: duplicate tensor names")
        self.metadata = metadata
    }
}

/// Reads and writes safetensors files, validating every header field before touching data.
public enum SafeTensors {
    /// Largest accepted JSON header (the format's own reference limit is 100 MB).
    public static let maximumHeaderBytes = 100 * 1024 * 1024

    /// Reads and validates a safetensors file.
    /// - Throws: ``WeightsFileError`` naming the file (and tensor) for any inconsistency.
    public static func read(_ path: String) throws -> SafeTensorsFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WeightsFileError(path: path, reason: "cannot read the file (missing or unreadable)")
        }
        return try decode([UInt8](data), source: path)
    }

    /// Writes `file` atomically. Arrays keep their `storedDType` where safetensors writing supports
    /// it (F32, F64, I64, I32); F16/BF16 are widened to F32 and small integers to I32, losslessly.
    public static func write(_ file: SafeTensorsFile, to path: String) throws {
        try AtomicFile.write(try encode(file, destination: path), to: path)
    }

    /// Parses safetensors bytes; `source` names the origin in errors.
    public static func decode(_ bytes: [UInt8], source: String) throws -> SafeTensorsFile {
        guard bytes.count >= 8 else {
            throw WeightsFileError(path: source, reason: "file too short (\(bytes.count) bytes) for a safetensors header")
        }
        let headerLength = bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(maximumHeaderBytes) else {
            throw WeightsFileError(path: source, reason: "header length \(headerLength) exceeds the \(maximumHeaderBytes)-byte limit")
        }
        guard 8 + Int(headerLength) <= bytes.count else {
            throw WeightsFileError(path: source, reason: "header length \(headerLength) runs past the end of the file (\(bytes.count) bytes): truncated?")
        }
        let header = try parseHeader(Array(bytes[8..<(8 + Int(headerLength))]), source: source)
        let dataStart = 8 + Int(headerLength)
        let entries = try header.entries.sorted { $0.begin < $1.begin }
            .validatedLayout(dataCount: bytes.count - dataStart, source: source)
        var arrays: [(String, NamedArray)] = []
        arrays.reserveCapacity(entries.count)
        for entry in entries {
            let slice = bytes[(dataStart + entry.begin)..<(dataStart + entry.end)]
            arrays.append((entry.name, NamedArray(shape: entry.shape, values: convert(slice, entry.dtype), storedDType: entry.dtype)))
        }
        return SafeTensorsFile(arrays: arrays, metadata: header.metadata)
    }
}
