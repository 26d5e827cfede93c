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
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let temporary = directory + "/.\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else {
            throw FileWriteError(path: path, reason: "cannot create a file in \(directory): \(errnoText())")
        }
        var failure: String? = nil
        let data = Array(bytes)
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = "write failed: \(errnoText())"
                    return
                }
                offset += written
            }
        }
        if failure == nil && durable && fsync(descriptor) != 0 { failure = "fsync failed: \(errnoText())" }
        close(descriptor)
        if failure == nil && rename(temporary, path) != 0 { failure = "rename failed: \(errnoText())" }
        if let failure {
            unlink(temporary)
            throw FileWriteError(path: path, reason: failure)
        }
    }

    /// Writes UTF-8 text atomically.
    public static func write(text: String, to path: String, durable: Bool = true) throws {
        try write(Array(text.utf8), to: path, durable: durable)
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// A file could not be written.
public struct FileWriteError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}
