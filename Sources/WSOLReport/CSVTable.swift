//! A small reader for the CSV files `wsol evaluate` and `wsol localize` write (RFC 4180 quoting).
import Foundation

/// A CSV file with a header row. Rows keep their 1-based line numbers for error messages.
public struct CSVTable: Sendable {
    public var path: String
    public var header: [String]
    /// Data rows, each as long as `header`.
    public var rows: [[String]]
    /// The file line of each row (1-based; the header is line 1).
    public var lineNumbers: [Int]

    /// Parses `text`; `path` only names the file in errors. Throws when a row's field count differs
    /// from the header's or a quote is left open.
    public init(text: String, path: String) throws {
        self.path = path
        var records: [(line: Int, fields: [String])] = []
        var lineNumber = 1
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            defer { lineNumber += 1 }
            let trimmed = line.hasSuffix("\r") ? line.dropLast() : line
            if trimmed.isEmpty { continue }
            records.append((lineNumber, try CSVTable.fields(of: String(trimmed), path: path, line: lineNumber)))
        }
        guard let first = records.first else { throw ReportInputError(path: path, reason: "is empty (no header row)") }
        header = first.fields
        rows = []
        lineNumbers = []
        for record in records.dropFirst() {
            guard record.fields.count == header.count else {
                throw ReportInputError(path: path, line: record.line,
                                       reason: "has \(record.fields.count) fields, the header has \(header.count)")
            }
            rows.append(record.fields)
            lineNumbers.append(record.line)
        }
    }

    /// Reads and parses the file at `path`.
    public static func read(_ path: String) throws -> CSVTable {
        try CSVTable(text: try readText(path), path: path)
    }

    /// The index of column `name`, or an error naming the file.
    public func column(_ name: String) throws -> Int {
        guard let index = header.firstIndex(of: name) else {
            throw ReportInputError(path: path, line: 1, reason: "has no column '\(name)'")
        }
        return index
    }

    /// The number in `rows[row][column]`, or an error naming the file and line.
    public func number(row: Int, column: Int) throws -> Double {
        guard let value = Double(rows[row][column]) else {
            throw ReportInputError(path: path, line: lineNumbers[row],
                                   reason: "'\(rows[row][column])' in column '\(header[column])' is not a number")
        }
        return value
    }

    /// Splits one line (no embedded newlines in our files) into fields, undoing quotes.
    static func fields(of line: String, path: String, line lineNumber: Int) throws -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var characters = line.makeIterator()
        while let character = characters.next() {
            if quoted {
                if character == "\"" {
                    // A doubled quote is a literal quote; a single one closes the field.
                    if let next = characters.next() {
                        if next == "\"" { field.append("\"") } else {
                            quoted = false
                            if next == "," { fields.append(field); field = "" } else { field.append(next) }
                        }
                    } else { quoted = false }
                } else { field.append(character) }
            } else if character == "\"" && field.isEmpty {
                quoted = true
            } else if character == "," {
                fields.append(field)
                field = ""
            } else { field.append(character) }
        }
        guard !quoted else { throw ReportInputError(path: path, line: lineNumber, reason: "has an unclosed quote") }
        fields.append(field)
        return fields
    }
}

/// Reads a UTF-8 text file, or throws naming it.
func readText(_ path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw ReportInputError(path: path, reason: "cannot be read")
    }
    guard let text = String(data: data, encoding: .utf8) else {
        throw ReportInputError(path: path, reason: "is not UTF-8 text")
    }
    return text
}

/// Reads a JSON object file, or throws naming it.
func readJSONObject(_ path: String) throws -> [String: Any] {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw ReportInputError(path: path, reason: "cannot be read")
    }
    guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw ReportInputError(path: path, reason: "is not a JSON object")
    }
    return object
}
