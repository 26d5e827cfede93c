//! A restricted pickle virtual machine: it understands the opcodes PyTorch uses to write a
//! state_dict (protocols 2-4) and calls nothing but an allow-list of constructors. It never
//! executes code from the file: any other callable is refused.

/// Reads one pickle (up to its STOP opcode) from `bytes` starting at `offset`.
struct PickleMachine {
    private let bytes: [UInt8]
    private(set) var offset: Int
    private var stack: [PickleValue] = []
    private var markStack: [Int] = []
    private var memo: [Int: PickleValue] = [:]
    /// Resolves BINPERSID ids (PyTorch's storage references).
    private let persistentLoad: (PickleValue) throws -> PickleValue

    init(bytes: [UInt8], offset: Int = 0, persistentLoad: @escaping (PickleValue) throws -> PickleValue) {
        self.bytes = bytes
        self.offset = offset
        self.persistentLoad = persistentLoad
    }

    /// Runs until STOP and returns the top of the stack; `offset` is then just past STOP.
    mutating func load() throws -> PickleValue {
        while true {
            let opcodeOffset = offset
            let opcode = try readByte()
            if opcode == UInt8(ascii: ".") {
                guard let result = stack.popLast() else { throw PickleError.malformed("STOP with an empty stack") }
                return result
            }
            try execute(opcode, at: opcodeOffset)
        }
    }

    // swiftlint:disable:next cyclomatic_complexity
    private mutating func execute(_ opcode: UInt8, at opcodeOffset: Int) throws {
        switch opcode {
        case 0x80: _ = try readByte()                                      // PROTO
        case 0x95: _ = try readBytes(8)                                    // FRAME (no meaning here)
        case UInt8(ascii: "("): markStack.append(stack.count)              // MARK
        case UInt8(ascii: ")"): stack.append(.tuple([]))                   // EMPTY_TUPLE
        case UInt8(ascii: "]"): stack.append(.list(PickleList()))          // EMPTY_LIST
        case UInt8(ascii: "}"): stack.append(.dict(PickleDict()))          // EMPTY_DICT
        case UInt8(ascii: "N"): stack.append(.none)
        case 0x88: stack.append(.bool(true))                               // NEWTRUE
        case 0x89: stack.append(.bool(false))                              // NEWFALSE
        case UInt8(ascii: "K"): stack.append(.int(Int(try readByte())))    // BININT1
        case UInt8(ascii: "M"): stack.append(.int(Int(try readUInt(2))))   // BININT2
        case UInt8(ascii: "J"): stack.append(.int(Int(Int32(truncatingIfNeeded: try readUInt(4)))))  // BININT
        case 0x8A: stack.append(try readLong(Int(try readByte())))         // LONG1
        case UInt8(ascii: "G"): stack.append(.float(Double(bitPattern: try readBigEndian64())))  // BINFLOAT
        case UInt8(ascii: "X"), UInt8(ascii: "T"): stack.append(.string(try readText(Int(try readUInt(4)))))  // BINUNICODE, BINSTRING
        case 0x8C, UInt8(ascii: "U"): stack.append(.string(try readText(Int(try readByte()))))  // SHORT_BINUNICODE, SHORT_BINSTRING
        case UInt8(ascii: "B"): stack.append(.bytes(try readBytes(Int(try readUInt(4)))))  // BINBYTES
        case UInt8(ascii: "C"): stack.append(.bytes(try readBytes(Int(try readByte()))))   // SHORT_BINBYTES
        case UInt8(ascii: "q"): memo[Int(try readByte())] = try top()      // BINPUT
        case UInt8(ascii: "r"): memo[Int(try readUInt(4))] = try top()     // LONG_BINPUT
        case 0x94: memo[memo.count] = try top()                            // MEMOIZE
        case UInt8(ascii: "h"): stack.append(try memoValue(Int(try readByte())))   // BINGET
        case UInt8(ascii: "j"): stack.append(try memoValue(Int(try readUInt(4))))  // LONG_BINGET
        case UInt8(ascii: "c"): stack.append(.global(module: try readLine(), name: try readLine()))  // GLOBAL
        case 0x93:                                                          // STACK_GLOBAL
            let name = try pop(), module = try pop()
            guard case .string(let moduleName) = module, case .string(let globalName) = name else {
                throw PickleError.malformed("STACK_GLOBAL expects two strings")
            }
            stack.append(.global(module: moduleName, name: globalName))
        case UInt8(ascii: "t"): stack.append(.tuple(try popMark()))        // TUPLE
        case 0x85: stack.append(.tuple(try popCount(1)))                   // TUPLE1
        case 0x86: stack.append(.tuple(try popCount(2)))                   // TUPLE2
        case 0x87: stack.append(.tuple(try popCount(3)))                   // TUPLE3
        case UInt8(ascii: "l"): stack.append(.list(PickleList(try popMark())))  // LIST
        case UInt8(ascii: "d"):                                             // DICT
            let dictionary = PickleDict()
            try setItems(dictionary, try popMark())
            stack.append(.dict(dictionary))
        case UInt8(ascii: "a"): try list(at: stack.count - 2).items.append(try pop())  // APPEND
        case UInt8(ascii: "e"):                                             // APPENDS
            let items = try popMark()
            try list(at: stack.count - 1).items.append(contentsOf: items)
        case UInt8(ascii: "s"):                                             // SETITEM
            let value = try pop(), key = try pop()
            try dict(at: stack.count - 1).set(key, value)
        case UInt8(ascii: "u"):                                             // SETITEMS
            let items = try popMark()
            try setItems(try dict(at: stack.count - 1), items)
        case UInt8(ascii: "Q"): stack.append(try persistentLoad(try pop()))  // BINPERSID
        case UInt8(ascii: "R"):                                             // REDUCE
            let arguments = try pop(), callable = try pop()
            guard case .tuple(let values) = arguments else { throw PickleError.malformed("REDUCE arguments are not a tuple") }
            stack.append(try TorchGlobals.call(callable, values))
        case UInt8(ascii: "b"):                                             // BUILD
            let state = try pop()
            try TorchGlobals.build(try top(), state: state)
        default:
            throw PickleError.unknownOpcode(opcode, offset: opcodeOffset)
        }
    }

    // MARK: stack helpers

    private func top() throws -> PickleValue {
        guard let value = stack.last else { throw PickleError.malformed("empty stack") }
        return value
    }
    private mutating func pop() throws -> PickleValue {
        guard let value = stack.popLast() else { throw PickleError.malformed("empty stack") }
        return value
    }
    private mutating func popCount(_ count: Int) throws -> [PickleValue] {
        guard stack.count >= count else { throw PickleError.malformed("stack underflow") }
        defer { stack.removeLast(count) }
        return Array(stack.suffix(count))
    }
    private mutating func popMark() throws -> [PickleValue] {
        guard let mark = markStack.popLast(), mark <= stack.count else { throw PickleError.malformed("no MARK") }
        defer { stack.removeSubrange(mark...) }
        return Array(stack[mark...])
    }
    private func memoValue(_ index: Int) throws -> PickleValue {
        guard let value = memo[index] else { throw PickleError.malformed("memo index \(index) unset") }
        return value
    }
    private func list(at index: Int) throws -> PickleList {
        guard stack.indices.contains(index), case .list(let list) = stack[index] else { throw PickleError.malformed("APPEND target is not a list") }
        return list
    }
    private func dict(at index: Int) throws -> PickleDict {
        guard stack.indices.contains(index), case .dict(let dict) = stack[index] else { throw PickleError.malformed("SETITEM target is not a dict") }
        return dict
    }
    private func setItems(_ dictionary: PickleDict, _ items: [PickleValue]) throws {
        guard items.count % 2 == 0 else { throw PickleError.malformed("odd number of dict items") }
        for pair in stride(from: 0, to: items.count, by: 2) { try dictionary.set(items[pair], items[pair + 1]) }
    }

    // MARK: byte readers

    private mutating func readByte() throws -> UInt8 {
        guard offset < bytes.count else { throw PickleError.truncated(offset: offset) }
        defer { offset += 1 }
        return bytes[offset]
    }
    private mutating func readBytes(_ count: Int) throws -> [UInt8] {
        guard count >= 0, count <= bytes.count - offset else { throw PickleError.truncated(offset: offset) }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }
    private mutating func readUInt(_ count: Int) throws -> UInt64 {
        try readBytes(count).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    }
    private mutating func readBigEndian64() throws -> UInt64 {
        try readBytes(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }
    private mutating func readText(_ count: Int) throws -> String {
        let raw = try readBytes(count)
        guard let text = String(validating: raw, as: UTF8.self) else { throw PickleError.malformed("string is not UTF-8") }
        return text
    }
    private mutating func readLine() throws -> String {
        guard let end = bytes[offset...].firstIndex(of: UInt8(ascii: "\n")) else { throw PickleError.truncated(offset: offset) }
        let line = try readText(end - offset)
        offset += 1  // the newline
        return line
    }
    /// LONG1: `count` little-endian two's-complement bytes.
    private mutating func readLong(_ count: Int) throws -> PickleValue {
        let raw = try readBytes(count)
        guard count <= 8 else { return .bigInt(raw) }
        guard count > 0 else { return .int(0) }
        var value = raw.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        if count < 8 && raw[count - 1] & 0x80 != 0 { value |= ~UInt64(0) << (8 * UInt64(count)) }  // sign-extend
        return .int(Int(Int64(bitPattern: value)))
    }
}
