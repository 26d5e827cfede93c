//! Crash-safe file writes: a killed process leaves either the old file or the new one, never half.
import Foundation

/// Writes files atomically: the bytes go to a temporary file in the destination's directory, are
/// flushed to disk, and the temporary file is renamed over the destination (rename is atomic on
/// POSIX file systems when both paths are on one file system, hence the same directory).
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically. Throws ``FileWriteError`` naming the path on failure.
    ///
    /// A killed process leaves the old file or the new one either way. `durable` also flushes the
    /// data to disk before the rename, so the new file survives a power loss (checkpoints); outputs
    /// that can be regenerated (images, metadata) skip that cost.
    public static func write(_ bytes: some Collection<UInt8>, to path: String, durable: Bool = true) throws {
        let writer = try AtomicFileWriter(path: path)
        try writer.append(bytes)
        try writer.commit(durable: durable)
    }

    /// Writes UTF-8 text atomically.
    public static func write(text: String, to path: String, durable: Bool = true) throws {
        try write(Array(text.utf8), to: path, durable: durable)
    }

}

/// A file could not be written.
public struct FileWriteError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}
