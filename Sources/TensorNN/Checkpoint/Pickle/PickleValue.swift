//! Values produced by the restricted unpickler: just what a PyTorch state_dict is made of.

/// A mutable container shared between the pickle stack and its memo (pickle mutates lists and
/// dicts in place after memoising them, so they need reference semantics).
final class PickleList {
    var items: [PickleValue]
    init(_ items: [PickleValue] = []) { self.items = items }
}

/// An insertion-ordered dictionary (Python dicts and `collections.OrderedDict` both keep order).
final class PickleDict {
    private(set) var keys: [PickleValue] = []
    private(set) var values: [PickleValue] = []
    private var positions: [PickleKey: Int] = [:]

    func set(_ key: PickleValue, _ value: PickleValue) throws {
        let hashable = try PickleKey(key)
        if let position = positions[hashable] {
            values[position] = value
        } else {
            positions[hashable] = keys.count
            keys.append(key)
            values.append(value)
        }
    }

    /// Drops every entry (breaks reference cycles when the pickle is done with).
    func removeAll() {
        (keys, values, positions) = ([], [], [:])
    }
}

/// Dictionary keys the unpickler accepts: strings and integers.
enum PickleKey: Hashable {
    case string(String)
    case int(Int)
    init(_ value: PickleValue) throws {
        switch value {
        case .string(let text): self = .string(text)
        case .int(let number): self = .int(number)
        default: throw PickleError.unsupported("dictionary key of kind \(value.kindName)")
        }
    }
}

/// A reference to raw storage bytes, resolved after the pickle is read (legacy files store the data
/// after the pickle; zip files in separate entries).
struct TorchStorageReference: Equatable {
    var key: String
    var dtype: StoredDType
    var elementCount: Int
}

/// A tensor as `_rebuild_tensor_v2` describes it: a strided view into a storage.
struct TorchTensorReference: Equatable {
    var storage: TorchStorageReference
    var storageOffset: Int
    var shape: [Int]
    var strides: [Int]
}

/// One unpickled value.
indirect enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer too wide for `Int`, as little-endian two's-complement bytes (LONG1).
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([PickleValue])
    case list(PickleList)
    case dict(PickleDict)
    /// A class or function named by GLOBAL; only allow-listed ones may be called.
    case global(module: String, name: String)
    case storage(TorchStorageReference)
    case tensor(TorchTensorReference)

    var kindName: String {
        switch self {
        case .none: "None"
        case .bool: "bool"
        case .int, .bigInt: "int"
        case .float: "float"
        case .string: "str"
        case .bytes: "bytes"
        case .tuple: "tuple"
        case .list: "list"
        case .dict: "dict"
        case .global(let module, let name): "\(module).\(name)"
        case .storage: "storage"
        case .tensor: "tensor"
        }
    }
}

/// Why a pickle stream was refused.
enum PickleError: Error, CustomStringConvertible {
    case truncated(offset: Int)
    case unknownOpcode(UInt8, offset: Int)
    case unsupported(String)
    case malformed(String)

    var description: String {
        switch self {
        case .truncated(let offset): "pickle data ends early (at byte \(offset))"
        case .unknownOpcode(let code, let offset):
            "pickle opcode 0x\(String(code, radix: 16)) at byte \(offset) is not used by state_dict files; refused"
        case .unsupported(let what): "\(what) is not part of a state_dict; refused (pickle code is never executed)"
        case .malformed(let what): "malformed pickle: \(what)"
        }
    }
}
