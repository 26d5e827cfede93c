//! A file written piece by piece and published atomically: large outputs (row files of millions
//! of images) without holding them in memory, with AtomicFile's guarantee.
import Foundation

/// Appends bytes to a temporary file in the destination's directory and renames it over `path`
/// on ``commit(durable:)``; dropped without commit, the temporary file is removed and `path` is
/// untouched. Writes are buffered (64 KiB). Errors are ``FileWriteError`` naming `path`.
public final class AtomicFileWriter {
    public let path: String
    private let temporary: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private static let bufferLimit = 1 << 16

    public init(path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        self.path = path
        temporary = directory + "/.\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else {
            throw FileWriteError(path: path, reason: "cannot create a file in \(directory): \(Self.errnoText())")
        }
    }

    public func append(_ bytes: some Sequence<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.bufferLimit { try flush() }
    }

    public func append(text: String) throws { try append(text.utf8) }

    /// Flushes, optionally syncs to disk (`durable`), and renames the file into place.
    public func commit(durable: Bool = true) throws {
        try flush()
        var failure: String? = nil
        if durable && fsync(descriptor) != 0 { failure = "fsync failed: \(Self.errnoText())" }
        close(descriptor)
        descriptor = -1
        if failure == nil && rename(temporary, path) != 0 { failure = "rename failed: \(Self.errnoText())" }
        if let failure {
            unlink(temporary)
            throw FileWriteError(path: path, reason: failure)
        }
    }

    private func flush() throws {
        guard descriptor >= 0 else { throw FileWriteError(path: path, reason: "written after commit") }
        let failure: String? = buffer.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return "write failed: \(Self.errnoText())"
                }
                offset += written
            }
            return nil
        }
        buffer.removeAll(keepingCapacity: true)
        if let failure { throw FileWriteError(path: path, reason: failure) }
    }

    deinit {
        guard descriptor >= 0 else { return }
        close(descriptor)
        unlink(temporary)
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
