//! Header parsing, layout validation, element conversion and encoding for ``SafeTensors``.
import Foundation

/// One tensor's header entry, with offsets relative to the start of the data section.
struct SafeTensorsEntry {
    var name: String
    var dtype: StoredDType
    var shape: [Int]
    var begin: Int
    var end: Int
}

struct SafeTensorsHeader {
    var entries: [SafeTensorsEntry]
    var metadata: [String: String]
}

extension SafeTensors {
    static func parseHeader(_ headerBytes: [UInt8], source: String) throws -> SafeTensorsHeader {
        guard let object = try? JSONSerialization.jsonObject(with: Data(headerBytes)),
              let dictionary = object as? [String: Any] else {
            throw WeightsFileError(path: source, reason: "header is not a JSON object")
        }
        var metadata: [String: String] = [:]
        var entries: [SafeTensorsEntry] = []
        for (name, value) in dictionary {
            if name == "__metadata__" {
                guard let pairs = value as? [String: String] else {
                    throw WeightsFileError(path: source, reason: "__metadata__ must map strings to strings")
                }
                metadata = pairs
                continue
            }
            entries.append(try parseEntry(name: name, value, source: source))
        }
        return SafeTensorsHeader(entries: entries, metadata: metadata)
    }

    private static func parseEntry(name: String, _ value: Any, source: String) throws -> SafeTensorsEntry {
        func fail(_ reason: String) -> WeightsFileError { WeightsFileError(path: source, tensor: name, reason: reason) }
        guard let fields = value as? [String: Any] else { throw fail("header entry is not an object") }
        guard let dtypeName = fields["dtype"] as? String else { throw fail("missing dtype") }
        guard let dtype = StoredDType(rawValue: dtypeName) else {
            throw fail("unknown dtype '\(dtypeName)' (known: \(StoredDType.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard let shapeValues = fields["shape"] as? [Any], let shape = integers(shapeValues), shape.allSatisfy({ $0 >= 0 }) else {
            throw fail("shape must be a list of non-negative integers")
        }
        guard let offsetValues = fields["data_offsets"] as? [Any], let offsets = integers(offsetValues), offsets.count == 2 else {
            throw fail("data_offsets must be two integers")
        }
        guard offsets[0] >= 0, offsets[1] >= offsets[0] else { throw fail("data_offsets \(offsets) are not an increasing range") }
        let (elements, overflow) = shape.reduce((1, false)) { partial, dim in
            let product = partial.0.multipliedReportingOverflow(by: dim)
            return (product.partialValue, partial.1 || product.overflow)
        }
        guard !overflow, elements.multipliedReportingOverflow(by: dtype.byteCount).overflow == false,
              elements * dtype.byteCount == offsets[1] - offsets[0] else {
            throw fail("shape \(shape) of \(dtypeName) needs \(overflow ? "too many" : String(elements * dtype.byteCount)) bytes but data_offsets span \(offsets[1] - offsets[0])")
        }
        return SafeTensorsEntry(name: name, dtype: dtype, shape: shape, begin: offsets[0], end: offsets[1])
    }

    /// JSON numbers as exact non-fractional integers, or nil.
    private static func integers(_ values: [Any]) -> [Int]? {
        var result: [Int] = []
        for value in values {
            // Int(exactly:) refuses fractions, NaN and values beyond Int's range.
            guard let number = value as? NSNumber,
                  let exact = Int(exactly: number.doubleValue) else { return nil }
            result.append(exact)
        }
        return result
    }

    /// Converts little-endian stored elements to Float.
    static func convert(_ bytes: ArraySlice<UInt8>, _ dtype: StoredDType) -> [Float] {
        let count = bytes.count / dtype.byteCount
        return bytes.withUnsafeBytes { raw in
            (0..<count).map { index -> Float in
                let offset = index * dtype.byteCount
                switch dtype {
                case .float32: return Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                case .float64: return Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))))
                case .float16: return HalfPrecision.float(fromHalf: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
                case .bfloat16: return HalfPrecision.float(fromBFloat: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
                case .int64: return Float(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int64.self)))
                case .int32: return Float(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
                case .int16: return Float(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int16.self)))
                case .int8: return Float(Int8(bitPattern: raw[offset]))
                case .uint8: return Float(raw[offset])
                case .bool: return raw[offset] == 0 ? 0 : 1
                }
            }
        }
    }

    /// Serialises `file`: header padded with spaces to a multiple of 8 bytes, data in name order.
    static func encode(_ file: SafeTensorsFile, destination: String) throws -> [UInt8] {
        var header: [String: Any] = [:]
        if !file.metadata.isEmpty { header["__metadata__"] = file.metadata }
        var data: [UInt8] = []
        for name in file.names {
            guard let array = file.arrays[name] else { continue }
            let begin = data.count
            let dtype = writtenDType(array.storedDType)
            try append(array, as: dtype, named: name, to: &data, destination: destination)
            header[name] = ["dtype": dtype.rawValue, "shape": array.shape, "data_offsets": [begin, data.count]] as [String: Any]
        }
        var json = try [UInt8](JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
        while json.count % 8 != 0 { json.append(UInt8(ascii: " ")) }
        let length = UInt64(json.count)
        return (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * UInt64($0))) } + json + data
    }

    /// The type an array is written as: F32/F64/I64/I32 as they are; half floats are widened to F32
    /// and small integers to I32 (both lossless, since the values are held as Float).
    static func writtenDType(_ stored: StoredDType) -> StoredDType {
        switch stored {
        case .float32, .float64, .int64, .int32: stored
        case .float16, .bfloat16: .float32
        case .int16, .int8, .uint8, .bool: .int32
        }
    }

    private static func append(
        _ array: NamedArray, as dtype: StoredDType, named name: String, to data: inout [UInt8], destination: String
    ) throws {
        func bytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
            (0..<MemoryLayout<T>.size).map { UInt8(truncatingIfNeeded: value.littleEndian >> (8 * $0)) }
        }
        // Float -> integer conversion traps outside the type's range (NaN included): refuse instead.
        func outOfRange(_ value: Float) -> WeightsFileError {
            WeightsFileError(path: destination, tensor: name, reason: "value \(value) does not fit \(dtype.rawValue)")
        }
        switch dtype {
        case .float32: for value in array.values { data += bytes(value.bitPattern) }
        case .float64: for value in array.values { data += bytes(Double(value).bitPattern) }
        case .int64:
            for value in array.values {
                guard let integer = Int64(exactly: value.rounded(.towardZero)) else { throw outOfRange(value) }
                data += bytes(integer)
            }
        case .int32:
            for value in array.values {
                guard let integer = Int32(exactly: value.rounded(.towardZero)) else { throw outOfRange(value) }
                data += bytes(integer)
            }
        default:
            throw WeightsFileError(path: destination, tensor: name, reason: "writing \(array.storedDType.rawValue) is not supported; store F32")
        }
    }
}

extension Array where Element == SafeTensorsEntry {
    /// Checks that the entries (sorted by `begin`) lie inside the data section without overlapping.
    func validatedLayout(dataCount: Int, source: String) throws -> [SafeTensorsEntry] {
        var previousEnd = 0
        var previousName: String? = nil
        for entry in self {
            guard entry.end <= dataCount else {
                throw WeightsFileError(path: source, tensor: entry.name,
                                       reason: "data_offsets [\(entry.begin), \(entry.end)] run past the data section (\(dataCount) bytes): truncated?")
            }
            guard entry.begin >= previousEnd else {
                throw WeightsFileError(path: source, tensor: entry.name,
                                       reason: "data overlaps tensor '\(previousName ?? "?")'")
            }
            previousEnd = entry.end
            previousName = entry.name
        }
        return self
    }
}
