//! Errors raised while reading, validating or writing dataset metadata.

/// Why a metadata file could not be read, joined or written.
///
/// Every error names the file; parse errors also give the 1-based line number. The description reads
/// `path:line: reason`, like a compiler diagnostic, so editors and terminals can jump to it.
public struct MetadataError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file (or directory) concerned.
    public var path: String
    /// 1-based line number for parse errors; `nil` when the error is about the whole file.
    public var line: Int?
    /// What is wrong, in words.
    public var reason: String

    public init(path: String, line: Int? = nil, reason: String) {
        self.path = path
        self.line = line
        self.reason = reason
    }

    public var description: String {
        if let line { return "\(path):\(line): \(reason)" }
        return "\(path): \(reason)"
    }
}

extension MetadataError {
    /// Summarises offending ids: the first `shown` of them and the total count.
    static func listing(_ ids: [String], shown: Int = 5) -> String {
        let head = ids.prefix(shown).map { "'\($0)'" }.joined(separator: ", ")
        return ids.count > shown ? "\(head), ... (\(ids.count) in all)" : head
    }
}
