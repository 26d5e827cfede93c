//! A restricted pickle virtual machine: it understands the opcodes PyTorch uses to write a
//! state_dict (protocols 2-4) and calls nothing but an allow-list of constructors. It never
//! executes code from the file: any other callable is refused.

/// Reads one pickle (up to its STOP opcode) from `bytes` starting at `offset`.
struct PickleMachine {
    private let bytes: [UInt8]
    private(set) var offset: Int
    private var stack: [PickleValue] = []
    /// Nesting depth of each stack value (1 for a container of scalars), tracked so that a file
    /// nesting containers thousands deep is refused before freeing it could overflow the stack.
    private var depths: [Int] = []
    private var markStack: [Int] = []
    private var memo: [Int: (value: PickleValue, depth: Int)] = [:]
    /// Resolves BINPERSID ids (PyTorch's storage references).
    private let persistentLoad: (PickleValue) throws -> PickleValue

    init(bytes: [UInt8], offset: Int = 0, persistentLoad: @escaping (PickleValue) throws -> PickleValue) {
        self.bytes = bytes
        self.offset = offset
        self.persistentLoad = persistentLoad
    }

    /// Deepest accepted container nesting (a state_dict nests 4 or 5 deep).
    static let maximumNesting = 256

    /// Runs until STOP and returns the top of the stack; `offset` is then just past STOP.
    mutating func load() throws -> PickleValue {
        while true {
            let opcodeOffset = offset
            let opcode = try readByte()
            if opcode == UInt8(ascii: ".") {
                return try pop()
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
        case UInt8(ascii: ")"): try push(.tuple([]), depth: 1)             // EMPTY_TUPLE
        case UInt8(ascii: "]"): try push(.list(PickleList()), depth: 1)    // EMPTY_LIST
        case UInt8(ascii: "}"): try push(.dict(PickleDict()), depth: 1)    // EMPTY_DICT
        case UInt8(ascii: "N"): try push(.none)
        case 0x88: try push(.bool(true))                                   // NEWTRUE
        case 0x89: try push(.bool(false))                                  // NEWFALSE
        case UInt8(ascii: "K"): try push(.int(Int(try readByte())))        // BININT1
        case UInt8(ascii: "M"): try push(.int(Int(try readUInt(2))))       // BININT2
        case UInt8(ascii: "J"): try push(.int(Int(Int32(truncatingIfNeeded: try readUInt(4)))))  // BININT
        case 0x8A: try push(try readLong(Int(try readByte())))             // LONG1
        case UInt8(ascii: "G"): try push(.float(Double(bitPattern: try readBigEndian64())))  // BINFLOAT
        case UInt8(ascii: "X"), UInt8(ascii: "T"): try push(.string(try readText(Int(try readUInt(4)))))  // BINUNICODE, BINSTRING
        case 0x8C, UInt8(ascii: "U"): try push(.string(try readText(Int(try readByte()))))  // SHORT_BINUNICODE, SHORT_BINSTRING
        case UInt8(ascii: "B"): try push(.bytes(try readBytes(Int(try readUInt(4)))))  // BINBYTES
        case UInt8(ascii: "C"): try push(.bytes(try readBytes(Int(try readByte()))))   // SHORT_BINBYTES
        case UInt8(ascii: "q"): memo[Int(try readByte())] = try topEntry()  // BINPUT
        case UInt8(ascii: "r"): memo[Int(try readUInt(4))] = try topEntry() // LONG_BINPUT
        case 0x94: memo[memo.count] = try topEntry()                       // MEMOIZE
        case UInt8(ascii: "h"): try pushMemo(Int(try readByte()))          // BINGET
        case UInt8(ascii: "j"): try pushMemo(Int(try readUInt(4)))         // LONG_BINGET
        case UInt8(ascii: "c"): try push(.global(module: try readLine(), name: try readLine()))  // GLOBAL
        case 0x93:                                                          // STACK_GLOBAL
            let name = try pop(), module = try pop()
            guard case .string(let moduleName) = module, case .string(let globalName) = name else {
                throw PickleError.malformed("STACK_GLOBAL expects two strings")
            }
            try push(.global(module: moduleName, name: globalName))
        case UInt8(ascii: "t"): try pushContainer(popMark()) { .tuple($0) }      // TUPLE
        case 0x85: try pushContainer(popCount(1)) { .tuple($0) }                 // TUPLE1
        case 0x86: try pushContainer(popCount(2)) { .tuple($0) }                 // TUPLE2
        case 0x87: try pushContainer(popCount(3)) { .tuple($0) }                 // TUPLE3
        case UInt8(ascii: "l"): try pushContainer(popMark()) { .list(PickleList($0)) }  // LIST
        case UInt8(ascii: "d"):                                             // DICT
            let dictionary = PickleDict()
            try pushContainer(popMark()) { items in
                try Self.setItems(dictionary, items)
                return .dict(dictionary)
            }
        case UInt8(ascii: "a"):                                             // APPEND
            let item = try popEntry()
            try list(at: stack.count - 1).items.append(item.value)
            try deepen(stack.count - 1, by: item.depth)
        case UInt8(ascii: "e"):                                             // APPENDS
            let items = try popMarkEntries()
            try list(at: stack.count - 1).items.append(contentsOf: items.values)
            try deepen(stack.count - 1, by: items.depth)
        case UInt8(ascii: "s"):                                             // SETITEM
            let value = try popEntry(), key = try pop()
            try dict(at: stack.count - 1).set(key, value.value)
            try deepen(stack.count - 1, by: value.depth)
        case UInt8(ascii: "u"):                                             // SETITEMS
            let items = try popMarkEntries()
            try Self.setItems(try dict(at: stack.count - 1), items.values)
            try deepen(stack.count - 1, by: items.depth)
        case UInt8(ascii: "Q"): try push(try persistentLoad(try pop()))   // BINPERSID
        case UInt8(ascii: "R"):                                             // REDUCE
            let arguments = try pop(), callable = try pop()
            guard case .tuple(let values) = arguments else { throw PickleError.malformed("REDUCE arguments are not a tuple") }
            try push(try TorchGlobals.call(callable, values))
        case UInt8(ascii: "b"):                                             // BUILD
            let state = try pop()
            try TorchGlobals.build(try topEntry().value, state: state)
        default:
            throw PickleError.unknownOpcode(opcode, offset: opcodeOffset)
        }
    }

    // MARK: stack helpers

    private mutating func push(_ value: PickleValue, depth: Int = 0) throws {
        guard depth <= Self.maximumNesting else {
            throw PickleError.malformed("containers nested more than \(Self.maximumNesting) deep")
        }
        stack.append(value)
        depths.append(depth)
    }
    /// Pushes a container built from `items`, one level deeper than its deepest item.
    private mutating func pushContainer(_ items: (values: [PickleValue], depth: Int),
                                        _ make: ([PickleValue]) throws -> PickleValue) throws {
        try push(try make(items.values), depth: items.depth + 1)
    }
    /// The container at `index` now holds something `depth` deep.
    private mutating func deepen(_ index: Int, by depth: Int) throws {
        depths[index] = max(depths[index], depth + 1)
        guard depths[index] <= Self.maximumNesting else {
            throw PickleError.malformed("containers nested more than \(Self.maximumNesting) deep")
        }
    }
    private mutating func pushMemo(_ index: Int) throws {
        guard let entry = memo[index] else { throw PickleError.malformed("memo index \(index) unset") }
        try push(entry.value, depth: entry.depth)
    }
    private func topEntry() throws -> (value: PickleValue, depth: Int) {
        guard let value = stack.last, let depth = depths.last else { throw PickleError.malformed("empty stack") }
        return (value, depth)
    }
    private mutating func pop() throws -> PickleValue { try popEntry().value }
    private mutating func popEntry() throws -> (value: PickleValue, depth: Int) {
        guard let value = stack.popLast(), let depth = depths.popLast() else { throw PickleError.malformed("empty stack") }
        return (value, depth)
    }
    private mutating func popCount(_ count: Int) throws -> (values: [PickleValue], depth: Int) {
        guard stack.count >= count else { throw PickleError.malformed("stack underflow") }
        defer { stack.removeLast(count); depths.removeLast(count) }
        return (Array(stack.suffix(count)), depths.suffix(count).max() ?? 0)
    }
    private mutating func popMark() throws -> (values: [PickleValue], depth: Int) { try popMarkEntries() }
    private mutating func popMarkEntries() throws -> (values: [PickleValue], depth: Int) {
        guard let mark = markStack.popLast(), mark <= stack.count else { throw PickleError.malformed("no MARK") }
        defer { stack.removeSubrange(mark...); depths.removeSubrange(mark...) }
        return (Array(stack[mark...]), depths[mark...].max() ?? 0)
    }

    /// Empties every memoised list and dict. Only memoised containers can be changed after being
    /// put into another one (so only they can form cycles or nest deeper than tracked): emptying
    /// them frees cycles (no leak) and keeps freeing the rest shallow. Call when done.
    mutating func releaseContainers() {
        for entry in memo.values {
            switch entry.value {
            case .list(let list): list.items.removeAll()
            case .dict(let dict): dict.removeAll()
            default: continue
            }
        }
        memo.removeAll()
        (stack, depths) = ([], [])
    }
    private func list(at index: Int) throws -> PickleList {
        guard stack.indices.contains(index), case .list(let list) = stack[index] else { throw PickleError.malformed("APPEND target is not a list") }
        return list
    }
    private func dict(at index: Int) throws -> PickleDict {
        guard stack.indices.contains(index), case .dict(let dict) = stack[index] else { throw PickleError.malformed("SETITEM target is not a dict") }
        return dict
    }
    private static func setItems(_ dictionary: PickleDict, _ items: [PickleValue]) throws {
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
