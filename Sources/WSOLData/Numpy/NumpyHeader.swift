//! The dict literal of a `.npy` header.
import Foundation

/// The parsed header dict: dtype, memory order and shape.
struct NumpyHeader {
    var descr: String
    var shape: [Int]
    var bigEndian: Bool
    var itemSize: Int
    var elementCount: Int

    /// Parses `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }` (keys in any order).
    static func parse(_ bytes: [UInt8], path: String) throws -> NumpyHeader {
        func fail(_ reason: String) -> NumpyError { NumpyError(path: path, reason: reason) }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let descr = quotedValue(of: "descr", in: text) else { throw fail("header has no 'descr': \(text)") }
        guard let fortran = bareValue(of: "fortran_order", in: text) else {
            throw fail("header has no 'fortran_order': \(text)")
        }
        guard fortran.hasPrefix("False") else { throw fail("Fortran-order arrays are not supported (save in C order)") }
        guard let shape = shapeValue(in: text) else { throw fail("header has no valid 'shape': \(text)") }
        let byteOrder = descr.first
        let kind = descr.dropFirst()
        guard kind == "f4" || kind == "f8", byteOrder == "<" || byteOrder == ">" || byteOrder == "=" else {
            throw fail("unsupported dtype '\(descr)' (expected <f4, >f4, <f8 or >f8)")
        }
        var count = 1
        for dimension in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow, dimension >= 0 else { throw fail("invalid shape \(shape)") }
            count = product
        }
        return NumpyHeader(descr: descr, shape: shape, bigEndian: byteOrder == ">",
                           itemSize: kind == "f4" ? 4 : 8, elementCount: count)
    }

    /// The text after `'key':` (trimmed), or nil.
    private static func bareValue(of key: String, in text: String) -> Substring? {
        guard let keyRange = text.range(of: "'\(key)'") ?? text.range(of: "\"\(key)\"") else { return nil }
        let rest = text[keyRange.upperBound...].drop { $0 == " " }
        guard rest.first == ":" else { return nil }
        return rest.dropFirst().drop { $0 == " " }
    }

    private static func quotedValue(of key: String, in text: String) -> String? {
        guard let value = bareValue(of: key, in: text), let quote = value.first, quote == "'" || quote == "\"" else {
            return nil
        }
        let body = value.dropFirst()
        guard let end = body.firstIndex(of: quote) else { return nil }
        return String(body[..<end])
    }

    private static func shapeValue(in text: String) -> [Int]? {
        guard let value = bareValue(of: "shape", in: text), value.first == "(",
              let end = value.firstIndex(of: ")") else { return nil }
        let inside = value[value.index(after: value.startIndex)..<end]
        var shape: [Int] = []
        for part in inside.split(separator: ",") {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let dimension = Int(trimmed.hasSuffix("L") ? String(trimmed.dropLast()) : trimmed) else { return nil }
            shape.append(dimension)
        }
        return shape
    }
}
