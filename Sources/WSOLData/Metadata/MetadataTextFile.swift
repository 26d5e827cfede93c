//! Line and field parsing shared by the metadata readers: comma-separated records, no header.
import Foundation
import TensorNN

/// One non-empty line of a metadata file, split at commas.
struct MetadataRecord {
    /// 1-based line number in the file.
    var line: Int
    var fields: [String]
}

/// A metadata text file as records, with helpers that throw errors naming the file and line.
struct MetadataTextFile {
    let path: String
    let records: [MetadataRecord]

    /// Reads `path`. Blank lines are skipped (so a missing or present trailing newline is the same);
    /// `\r\n` line ends and a UTF-8 byte-order mark are accepted. Fields are not trimmed: an image id
    /// may legitimately contain spaces, so only numeric fields tolerate surrounding blanks.
    ///
    /// Splits the raw bytes (`\n` and `,` are single bytes in UTF-8 and never part of a multi-byte
    /// character) and validates each field as UTF-8: several times faster than splitting a `String`
    /// by `Character`, which matters for ILSVRC's 1.28 million train lines.
    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MetadataError(path: path, reason: "cannot read file")
        }
        var records: [MetadataRecord] = []
        var badLine: Int?
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            var lineNumber = 1
            while start < bytes.count, badLine == nil {
                var end = start
                while end < bytes.count, bytes[end] != 0x0A { end += 1 }
                var contentEnd = end
                if contentEnd > start, bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
                if contentEnd > start {
                    if let fields = Self.fields(bytes, start, contentEnd) {
                        records.append(MetadataRecord(line: lineNumber, fields: fields))
                    } else {
                        badLine = lineNumber
                    }
                }
                start = end + 1
                lineNumber += 1
            }
        }
        if let badLine { throw MetadataError(path: path, line: badLine, reason: "not valid UTF-8 text") }
        self.path = path
        self.records = records
    }

    /// The comma-separated fields of `bytes[start..<end]`, or nil if one is not valid UTF-8.
    private static func fields(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> [String]? {
        var fields: [String] = []
        var fieldStart = start
        for index in start...end where index == end || bytes[index] == 0x2C {
            guard let field = String(validating: UnsafeBufferPointer(rebasing: bytes[fieldStart..<index]),
                                     as: UTF8.self) else { return nil }
            fields.append(field)
            fieldStart = index + 1
        }
        return fields
    }

    /// An error at `line` of this file.
    func error(_ line: Int, _ reason: String) -> MetadataError {
        MetadataError(path: path, line: line, reason: reason)
    }

    /// Throws unless `record` has exactly `count` fields, naming the expected layout.
    func expectFieldCount(_ record: MetadataRecord, _ count: Int, layout: String) throws {
        guard record.fields.count == count else {
            throw error(record.line, "expected \(count) comma-separated fields (\(layout)), found \(record.fields.count)")
        }
    }

    /// Parses an integer field (surrounding blanks allowed).
    func integer(_ record: MetadataRecord, field: Int, name: String) throws -> Int {
        let text = record.fields[field]
        // Trimming only on failure keeps the common case fast.
        guard let value = Int(text) ?? Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw error(record.line, "\(name) '\(record.fields[field])' is not an integer")
        }
        return value
    }

    /// Parses a finite decimal number field (surrounding blanks allowed).
    func number(_ record: MetadataRecord, field: Int, name: String) throws -> Double {
        let text = record.fields[field]
        guard let value = Double(text) ?? Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite else {
            throw error(record.line, "\(name) '\(record.fields[field])' is not a finite number")
        }
        return value
    }

    /// The image id in field 0, which must not be empty.
    func imageID(_ record: MetadataRecord) throws -> String {
        let id = record.fields[0]
        guard !id.isEmpty else { throw error(record.line, "empty image id") }
        return id
    }
}

/// Writes metadata files atomically (``AtomicFile``), so readers never see a half-written file.
enum MetadataFileWriter {
    static func writeAtomically(_ text: String, to path: String) throws {
        do {
            try AtomicFile.write(text: text, to: path, durable: false)
        } catch let failure as FileWriteError {
            throw MetadataError(path: path, reason: failure.reason)
        }
    }

    /// Creates `directory` and its parents if needed.
    static func makeDirectory(_ directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw MetadataError(path: directory, reason: "cannot create directory (\(error.localizedDescription))")
        }
    }
}
