//! Native import of PyTorch checkpoints (`torch.save` of a state_dict), without Python:
//! the zip format (PyTorch >= 1.6) and the legacy stream format (magic number, protocol, system
//! info, the state_dict pickle, the storage keys, then each storage as int64 count + raw data).
import Foundation

/// Reads PyTorch `.pth`/`.pt` state_dict files into named arrays.
public enum TorchCheckpoint {
    /// The magic number that opens a legacy checkpoint (LONG1 0x1950a86a20f9469cfc6c, little endian).
    static let legacyMagic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]

    /// Reads a checkpoint. Nested dicts (e.g. `{"state_dict": ..., "epoch": 3}`) are flattened with
    /// dotted names; non-tensor entries are left out.
    /// - Throws: ``WeightsFileError`` naming the file for anything that is not a plain state_dict.
    public static func read(_ path: String) throws -> SafeTensorsFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WeightsFileError(path: path, reason: "cannot read the file (missing or unreadable)")
        }
        do {
            return try decode([UInt8](data))
        } catch let error as PickleError {
            throw WeightsFileError(path: path, reason: error.description)
        }
    }

    static func decode(_ bytes: [UInt8]) throws -> SafeTensorsFile {
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return try decodeZip(bytes) }
        if bytes.count > 14, bytes[0] == 0x80, bytes[2] == 0x8A, bytes[3] == 10, Array(bytes[4..<14]) == legacyMagic {
            return try decodeLegacy(bytes)
        }
        throw PickleError.malformed("not a PyTorch checkpoint (neither a zip archive nor the legacy magic number)")
    }

    private static func decodeZip(_ bytes: [UInt8]) throws -> SafeTensorsFile {
        let archive = try ZipArchive(bytes)
        guard let pickleName = archive.names.first(where: { $0 == "data.pkl" || $0.hasSuffix("/data.pkl") }),
              let pickleRange = archive.entries[pickleName] else {
            throw PickleError.malformed("zip archive without a data.pkl entry")
        }
        let prefix = String(pickleName.dropLast("data.pkl".count))
        if let orderRange = archive.entries[prefix + "byteorder"],
           String(decoding: bytes[orderRange], as: UTF8.self) != "little" {
            throw PickleError.unsupported("a big-endian checkpoint")
        }
        var machine = PickleMachine(bytes: Array(bytes[pickleRange]), persistentLoad: TorchGlobals.storageReference)
        defer { machine.releaseContainers() }
        let root = try machine.load()
        return try materialise(root) { storage in
            guard let range = archive.entries[prefix + "data/" + storage.key] else {
                throw PickleError.malformed("storage '\(storage.key)' has no data entry")
            }
            return bytes[range]
        }
    }

    private static func decodeLegacy(_ bytes: [UInt8]) throws -> SafeTensorsFile {
        var machine = PickleMachine(bytes: bytes, persistentLoad: TorchGlobals.storageReference)
        defer { machine.releaseContainers() }
        _ = try machine.load()                     // magic number
        guard case .int(1001) = try machine.load() else { throw PickleError.unsupported("legacy protocol other than 1001") }
        _ = try machine.load()                     // system info (endianness, type sizes)
        let root = try machine.load()
        var keysMachine = PickleMachine(bytes: bytes, offset: machine.offset, persistentLoad: TorchGlobals.storageReference)
        defer { keysMachine.releaseContainers() }
        guard case .list(let keyList) = try keysMachine.load() else { throw PickleError.malformed("storage key list missing") }
        var storages: [String: ArraySlice<UInt8>] = [:]
        var cursor = keysMachine.offset
        for key in keyList.items {
            guard case .string(let name) = key else { throw PickleError.malformed("storage key is not a string") }
            guard cursor + 8 <= bytes.count else { throw PickleError.truncated(offset: cursor) }
            let count = bytes[cursor..<(cursor + 8)].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
            storages[name] = bytes[(cursor + 8)...]  // trimmed to its size below, once its dtype is known
            // The count comes from the file: negative (bit 63 set) or overflowing sizes are lies.
            let size = count.multipliedReportingOverflow(by: try elementSize(forKey: name, in: root))
            guard count >= 0, !size.overflow, size.partialValue <= bytes.count - cursor - 8 else {
                throw PickleError.malformed("storage '\(name)' claims \(count) elements, past the end of the file: truncated?")
            }
            cursor += 8 + size.partialValue
        }
        return try materialise(root) { storage in
            guard let slice = storages[storage.key] else { throw PickleError.malformed("storage '\(storage.key)' has no data") }
            let (byteCount, overflow) = storage.elementCount.multipliedReportingOverflow(by: storage.dtype.byteCount)
            guard storage.elementCount >= 0, !overflow else {
                throw PickleError.malformed("storage '\(storage.key)' claims \(storage.elementCount) elements")
            }
            return slice.prefix(byteCount)
        }
    }
}
