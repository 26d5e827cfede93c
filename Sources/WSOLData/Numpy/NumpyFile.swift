//! Reading and writing `.npy` files (format versions 1.0, 2.0 and 3.0).
import Foundation

/// `.npy` reading (float32/float64, either byte order, C order) and float32 writing.
///
/// Format: the magic `\x93NUMPY`, a major and minor version byte, the header length (uint16 LE
/// for 1.x, uint32 LE for 2.x/3.x), then a Python dict literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (224, 224), }` padded with spaces and a
/// newline, then the raw data.
public enum NumpyFile {
    private static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
    /// Refuse headers larger than this (the format caps v1 headers at 65535 bytes anyway).
    static let maxHeaderLength = 1 << 20

    /// Reads a `.npy` file.
    ///
    /// - Throws: ``NumpyError`` naming `path` when the file cannot be read, is not `.npy`, has an
    ///   unsupported dtype (only `<f4 >f4 <f8 >f8`), is in Fortran order, or is truncated.
    public static func read(_ path: String) throws -> NumpyArray {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw NumpyError(path: path, reason: "cannot read file (\(error.localizedDescription))")
        }
        return try decode([UInt8](data), path: path)
    }

    /// Decodes the bytes of a `.npy` file; `path` only names the source in errors.
    public static func decode(_ bytes: [UInt8], path: String) throws -> NumpyArray {
        func fail(_ reason: String) -> NumpyError { NumpyError(path: path, reason: reason) }
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw fail("not a .npy file (bad magic)") }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("truncated header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw fail("unsupported .npy format version \(major).\(bytes[7])")
        }
        guard headerLength <= maxHeaderLength, headerStart + headerLength <= bytes.count else {
            throw fail("truncated or oversized header (\(headerLength) bytes)")
        }
        let header = try NumpyHeader.parse(Array(bytes[headerStart..<headerStart + headerLength]), path: path)
        let dataStart = headerStart + headerLength
        let (expectedBytes, overflow) = header.elementCount.multipliedReportingOverflow(by: header.itemSize)
        guard !overflow, bytes.count - dataStart >= expectedBytes else {
            throw fail("truncated data: \(bytes.count - dataStart) bytes for shape \(header.shape) of \(header.descr)")
        }
        let elements = decodeElements(bytes, from: dataStart, count: header.elementCount, header: header)
        return NumpyArray(shape: header.shape, elements: elements)
    }

    private static func decodeElements(_ bytes: [UInt8], from offset: Int, count: Int,
                                       header: NumpyHeader) -> NumpyArray.Elements {
        bytes.withUnsafeBytes { raw in
            if header.itemSize == 4 {
                return .float32((0..<count).map { index in
                    let bits = raw.loadUnaligned(fromByteOffset: offset + 4 * index, as: UInt32.self)
                    return Float(bitPattern: header.bigEndian ? UInt32(bigEndian: bits) : UInt32(littleEndian: bits))
                })
            }
            return .float64((0..<count).map { index in
                let bits = raw.loadUnaligned(fromByteOffset: offset + 8 * index, as: UInt64.self)
                return Double(bitPattern: header.bigEndian ? UInt64(bigEndian: bits) : UInt64(littleEndian: bits))
            })
        }
    }

    /// Encodes float32 values as a version 1.0 `.npy` file (`<f4`, C order).
    /// Precondition: `values.count` is the product of `shape`.
    public static func encodeFloat32(_ values: [Float], shape: [Int]) -> [UInt8] {
        precondition(shape.reduce(1, *) == values.count, "NumpyFile: \(values.count) values for shape \(shape)")
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText), }"
        // Pad so that the data starts at a multiple of 64 bytes, ending the header with '\n'.
        let unpadded = magic.count + 4 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var bytes = magic + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
        bytes += Array(header.utf8)
        bytes.reserveCapacity(bytes.count + 4 * values.count)
        for value in values {
            let bits = value.bitPattern.littleEndian
            bytes += [UInt8(bits & 0xFF), UInt8(bits >> 8 & 0xFF), UInt8(bits >> 16 & 0xFF), UInt8(bits >> 24)]
        }
        return bytes
    }

    /// Writes float32 values as `.npy`, atomically (temporary file in the same directory, then
    /// rename), creating the parent directory if needed.
    /// - Throws: ``NumpyError`` naming `path` when the directory or file cannot be written.
    public static func writeFloat32(_ values: [Float], shape: [Int], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            // Foundation's atomic write goes through a temporary file in the same directory.
            try Data(encodeFloat32(values, shape: shape)).write(to: url, options: .atomic)
        } catch {
            throw NumpyError(path: path, reason: "cannot write file (\(error.localizedDescription))")
        }
    }
}
