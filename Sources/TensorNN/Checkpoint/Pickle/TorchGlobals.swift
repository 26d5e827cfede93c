//! The only callables a state_dict pickle may name, and what they build.

/// Allow-listed PyTorch globals. Anything else is refused, so a weights file can never run code.
enum TorchGlobals {
    /// Storage classes of typed storages and their element types.
    static let storageTypes: [String: StoredDType] = [
        "FloatStorage": .float32, "DoubleStorage": .float64, "HalfStorage": .float16,
        "BFloat16Storage": .bfloat16, "LongStorage": .int64, "IntStorage": .int32,
        "ShortStorage": .int16, "CharStorage": .int8, "ByteStorage": .uint8, "BoolStorage": .bool,
    ]

    /// REDUCE: `callable(*arguments)` for the allow-listed callables.
    static func call(_ callable: PickleValue, _ arguments: [PickleValue]) throws -> PickleValue {
        guard case .global(let module, let name) = callable else {
            throw PickleError.unsupported("calling a \(callable.kindName)")
        }
        switch (module, name) {
        case ("collections", "OrderedDict"):
            guard arguments.isEmpty else { throw PickleError.unsupported("OrderedDict with initial items") }
            return .dict(PickleDict())
        case ("torch._utils", "_rebuild_tensor_v2"), ("torch._utils", "_rebuild_tensor"):
            return .tensor(try rebuildTensor(arguments))
        case ("torch._utils", "_rebuild_parameter"), ("torch._utils", "_rebuild_parameter_with_state"):
            guard let tensor = arguments.first, case .tensor = tensor else {
                throw PickleError.malformed("_rebuild_parameter without a tensor")
            }
            return tensor
        default:
            throw PickleError.unsupported("the global '\(module).\(name)'")
        }
    }

    /// BUILD on a dict sets attributes such as a state_dict's `_metadata` (layer versions), which
    /// carry no weights: accepted and ignored. BUILD on anything else is refused.
    static func build(_ target: PickleValue, state: PickleValue) throws {
        guard case .dict = target else { throw PickleError.unsupported("BUILD on a \(target.kindName)") }
    }

    /// `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, ...)`.
    private static func rebuildTensor(_ arguments: [PickleValue]) throws -> TorchTensorReference {
        guard arguments.count >= 4, case .storage(let storage) = arguments[0], case .int(let offset) = arguments[1] else {
            throw PickleError.malformed("_rebuild_tensor arguments (storage, offset, size, stride) expected")
        }
        let shape = try integers(arguments[2], "size")
        let strides = try integers(arguments[3], "stride")
        guard shape.count == strides.count, offset >= 0, shape.allSatisfy({ $0 >= 0 }), strides.allSatisfy({ $0 >= 0 }) else {
            throw PickleError.malformed("tensor size \(shape) / stride \(strides) / offset \(offset) are inconsistent")
        }
        return TorchTensorReference(storage: storage, storageOffset: offset, shape: shape, strides: strides)
    }

    private static func integers(_ value: PickleValue, _ what: String) throws -> [Int] {
        guard case .tuple(let items) = value else { throw PickleError.malformed("tensor \(what) is not a tuple") }
        return try items.map { item in
            guard case .int(let number) = item else { throw PickleError.malformed("tensor \(what) holds a \(item.kindName)") }
            return number
        }
    }

    /// Persistent ids: `('storage', StorageClass, key, location, numel[, view_metadata])`.
    static func storageReference(_ persistentID: PickleValue) throws -> PickleValue {
        guard case .tuple(let fields) = persistentID, fields.count >= 5,
              case .string("storage") = fields[0], case .global(let module, let className) = fields[1],
              case .string(let key) = fields[2], case .int(let count) = fields[4] else {
            throw PickleError.unsupported("a persistent id that is not a torch storage")
        }
        guard module == "torch", let dtype = storageTypes[className] else {
            throw PickleError.unsupported("the storage type '\(module).\(className)'")
        }
        if fields.count > 5, case .tuple = fields[5] {
            throw PickleError.unsupported("legacy storage views (view_metadata)")
        }
        return .storage(TorchStorageReference(key: key, dtype: dtype, elementCount: count))
    }
}
