//! A reader for the uncompressed ("stored") zip archives that `torch.save` writes (PyTorch >= 1.6).

/// The entries of a zip archive whose members are stored without compression.
struct ZipArchive {
    /// Entry name -> byte range of its data in the archive.
    private(set) var entries: [String: Range<Int>] = [:]
    /// Entry names in central-directory order.
    private(set) var names: [String] = []

    /// Parses the central directory. Throws a readable reason (the caller adds the file name).
    init(_ bytes: [UInt8]) throws {
        let directory = try Self.endOfCentralDirectory(bytes)
        var cursor = directory.offset
        for _ in 0..<directory.count {
            guard cursor + 46 <= bytes.count, Self.u32(bytes, cursor) == 0x0201_4b50 else {
                throw PickleError.malformed("zip central directory entry at byte \(cursor) is damaged")
            }
            let method = Self.u16(bytes, cursor + 10)
            let compressedSize = Int(Self.u32(bytes, cursor + 20))
            let nameLength = Int(Self.u16(bytes, cursor + 28))
            let extraLength = Int(Self.u16(bytes, cursor + 30))
            let commentLength = Int(Self.u16(bytes, cursor + 32))
            let localOffset = Int(Self.u32(bytes, cursor + 42))
            guard cursor + 46 + nameLength <= bytes.count else { throw PickleError.truncated(offset: cursor) }
            let name = String(decoding: bytes[(cursor + 46)..<(cursor + 46 + nameLength)], as: UTF8.self)
            guard compressedSize != 0xFFFF_FFFF, localOffset != 0xFFFF_FFFF else {
                throw PickleError.unsupported("zip64 entry '\(name)' (archives over 4 GiB)")
            }
            guard method == 0 else { throw PickleError.unsupported("compressed zip entry '\(name)' (method \(method))") }
            let start = try Self.dataStart(bytes, localHeader: localOffset, name: name)
            guard start + compressedSize <= bytes.count else {
                throw PickleError.malformed("zip entry '\(name)' runs past the end of the file: truncated?")
            }
            entries[name] = start..<(start + compressedSize)
            names.append(name)
            cursor += 46 + nameLength + extraLength + commentLength
        }
    }

    /// Finds the end-of-central-directory record (it ends the file, before an optional comment).
    private static func endOfCentralDirectory(_ bytes: [UInt8]) throws -> (offset: Int, count: Int) {
        guard bytes.count >= 22 else { throw PickleError.malformed("too short for a zip archive") }
        let earliest = max(0, bytes.count - 22 - 65_535)
        var position = bytes.count - 22
        while position >= earliest {
            if u32(bytes, position) == 0x0605_4b50 {
                let count = Int(u16(bytes, position + 10))
                let offset = Int(u32(bytes, position + 16))
                guard count != 0xFFFF, offset != 0xFFFF_FFFF else { throw PickleError.unsupported("zip64 archives") }
                guard offset <= bytes.count else { throw PickleError.malformed("zip central directory offset past the end: truncated?") }
                return (offset, count)
            }
            position -= 1
        }
        throw PickleError.malformed("no zip end-of-central-directory record: truncated or not a zip file")
    }

    private static func dataStart(_ bytes: [UInt8], localHeader: Int, name: String) throws -> Int {
        guard localHeader + 30 <= bytes.count, u32(bytes, localHeader) == 0x0403_4b50 else {
            throw PickleError.malformed("zip local header of '\(name)' is damaged")
        }
        return localHeader + 30 + Int(u16(bytes, localHeader + 26)) + Int(u16(bytes, localHeader + 28))
    }

    static func u16(_ bytes: [UInt8], _ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }
    static func u32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }
}
