//! Temporary directories and file writing for the metadata, importer and SynthWSOL tests.
import Foundation

/// A fresh, empty temporary directory; removed when `body` returns.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("wsoldata-\(UUID().uuidString)")
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// Writes `files` (name -> exact text) into `directory`, creating parent folders.
func writeFiles(_ files: [String: String], in directory: String) throws {
    for (name, text) in files {
        let path = (directory as NSString).appendingPathComponent(name)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }
}

/// The text of `name` inside `directory`.
func readText(_ name: String, in directory: String) throws -> String {
    let path = (directory as NSString).appendingPathComponent(name)
    return try String(contentsOfFile: path, encoding: .utf8)
}
