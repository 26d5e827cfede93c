//! Line and field parsing shared by the metadata readers: comma-separated records, no header.
import Foundation

/// One non-empty line of a metadata file, split at commas.
struct MetadataRecord {
    /// 1-based line number in the file.
    var line: Int
    var fields: [Substring]
}

/// A metadata text file as records, with helpers that throw errors naming the file and line.
struct MetadataTextFile {
    let path: String
    let records: [MetadataRecord]

    /// Reads `path`. Blank lines are skipped (so a missing or present trailing newline is the same);
    /// `\r\n` line ends and a UTF-8 byte-order mark are accepted. Fields are not trimmed: an image id
    /// may legitimately contain spaces, so only numeric fields tolerate surrounding blanks.
    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MetadataError(path: path, reason: "cannot read file")
        }
        guard var text = String(data: data, encoding: .utf8) else {
            throw MetadataError(path: path, reason: "not valid UTF-8 text")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var records: [MetadataRecord] = []
        // "\r\n" is a single Character in Swift, so it must be named as a separator of its own.
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        for (index, line) in lines.enumerated() {
            if line.isEmpty { continue }
            records.append(MetadataRecord(line: index + 1,
                                          fields: line.split(separator: ",", omittingEmptySubsequences: false)))
        }
        self.path = path
        self.records = records
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
        let text = record.fields[field].trimmingCharacters(in: .whitespaces)
        guard let value = Int(text) else {
            throw error(record.line, "\(name) '\(record.fields[field])' is not an integer")
        }
        return value
    }

    /// Parses a finite decimal number field (surrounding blanks allowed).
    func number(_ record: MetadataRecord, field: Int, name: String) throws -> Double {
        let text = record.fields[field].trimmingCharacters(in: .whitespaces)
        guard let value = Double(text), value.isFinite else {
            throw error(record.line, "\(name) '\(record.fields[field])' is not a finite number")
        }
        return value
    }

    /// The image id in field 0, which must not be empty.
    func imageID(_ record: MetadataRecord) throws -> String {
        let id = String(record.fields[0])
        guard !id.isEmpty else { throw error(record.line, "empty image id") }
        return id
    }
}

/// Writes files atomically: the bytes go to a temporary file in the destination's directory, which
/// is then renamed over the destination, so readers never see a half-written file.
enum MetadataFileWriter {
    static func writeAtomically(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try Data(text.utf8).write(to: temporary)
            // POSIX rename replaces the destination atomically within one file system.
            guard rename(temporary.path, path) == 0 else {
                throw MetadataError(path: path, reason: "cannot rename temporary file (errno \(errno))")
            }
        } catch let error as MetadataError {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw MetadataError(path: path, reason: "cannot write file (\(error.localizedDescription))")
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
