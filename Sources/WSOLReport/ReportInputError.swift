//! The one error type of the report: a file (and line) and what is wrong with it.

/// A report input that is missing, unreadable or malformed. The message names the file and, for
/// line-based files (CSV, JSON lines), the 1-based line.
public struct ReportInputError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var line: Int?
    public var reason: String

    public init(path: String, line: Int? = nil, reason: String) {
        (self.path, self.line, self.reason) = (path, line, reason)
    }

    public var description: String { line.map { "\(path):\($0): \(reason)" } ?? "\(path): \(reason)" }
}
