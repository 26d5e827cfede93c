//! What every fuzz target needs: the input as bytes or as a file, and a reader call that may
//! throw (a typed error is the expected outcome for most inputs) but must not crash or hang.
import Foundation

/// The bytes libFuzzer hands to `LLVMFuzzerTestOneInput`.
public struct FuzzInput {
    public let bytes: [UInt8]

    public init(_ data: UnsafePointer<UInt8>?, _ size: Int) {
        bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    }

    /// A per-process scratch directory in memory (/dev/shm when present), for readers that take a path.
    public static let scratchDirectory: String = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let path = base + "/wsolkit-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    /// Writes `bytes` to `name` in the scratch directory and returns its path.
    @discardableResult
    public static func writeScratch(_ bytes: some Collection<UInt8>, name: String) -> String {
        let path = scratchDirectory + "/" + name
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    /// The input split at every occurrence of `separator` (for inputs that stand for several files).
    public func parts(separatedBy separator: [UInt8]) -> [ArraySlice<UInt8>] {
        var parts: [ArraySlice<UInt8>] = []
        var start = 0, index = 0
        while index + separator.count <= bytes.count {
            if bytes[index..<(index + separator.count)].elementsEqual(separator) {
                parts.append(bytes[start..<index])
                index += separator.count
                start = index
            } else {
                index += 1
            }
        }
        parts.append(bytes[start...])
        return parts
    }
}

/// Runs a reader on one input. Thrown errors are fine (that is the contract for bad input);
/// an error without a description naming its source would be a bug, so it traps.
public func exercise(source: String, _ body: () throws -> Void) {
    do {
        try body()
    } catch {
        let message = "\(error)"
        if !message.contains(source) {
            fatalError("error does not name its source '\(source)': \(message)")
        }
    }
}

/// The signature of `LLVMFuzzerTestOneInput`.
public typealias FuzzCallback = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: FuzzCallback
) -> CInt

/// Runs libFuzzer's driver (what its own `main` does). SwiftPM links an executable target's entry
/// point as `<module>_main` and points `main` at it, so each target defines that symbol and calls this.
public func runLibFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>,
                         _ callback: FuzzCallback) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments, callback)
}
