//! Turning the unpickled state_dict into named, contiguous Float arrays.

extension TorchCheckpoint {
    /// Dicts nested deeper than this are refused (a state_dict nests 1-3 deep; a dict holding
    /// itself would otherwise recurse forever).
    static let maximumDictNesting = 64

    /// Every tensor reachable from `root`, with dotted names for nested dicts, in dict order.
    static func tensors(in root: PickleValue, prefix: String = "", depth: Int = 0) throws -> [(String, TorchTensorReference)] {
        guard depth < maximumDictNesting else {
            throw PickleError.malformed("dicts nested more than \(maximumDictNesting) deep (or a dict that holds itself)")
        }
        guard case .dict(let dictionary) = root else {
            if case .tensor(let tensor) = root, !prefix.isEmpty { return [(String(prefix.dropLast()), tensor)] }
            throw PickleError.unsupported("a checkpoint whose top level is a \(root.kindName), not a dict")
        }
        var result: [(String, TorchTensorReference)] = []
        for (key, value) in zip(dictionary.keys, dictionary.values) {
            let name: String
            switch key {
            case .string(let text): name = prefix + text
            case .int(let number): name = prefix + String(number)
            default: continue
            }
            switch value {
            case .tensor(let tensor): result.append((name, tensor))
            case .dict: result += try tensors(in: value, prefix: name + ".", depth: depth + 1)
            default: continue  // epoch counters, optimizer hyper-parameters, ...: not weights
            }
        }
        return result
    }

    /// Bytes per element of the storage named `key` (legacy files need it to skip storages).
    static func elementSize(forKey key: String, in root: PickleValue) throws -> Int {
        guard let tensor = try tensors(in: root).first(where: { $0.1.storage.key == key }) else {
            throw PickleError.malformed("storage '\(key)' is used by no tensor")
        }
        return tensor.1.storage.dtype.byteCount
    }

    /// Gathers each tensor's strided view out of its storage into a contiguous row-major array.
    static func materialise(
        _ root: PickleValue, storageBytes: (TorchStorageReference) throws -> ArraySlice<UInt8>
    ) throws -> SafeTensorsFile {
        var arrays: [(String, NamedArray)] = []
        for (name, tensor) in try tensors(in: root) {
            let storage = try storageBytes(tensor.storage)
            let dtype = tensor.storage.dtype
            let (byteCount, overflow) = tensor.storage.elementCount.multipliedReportingOverflow(by: dtype.byteCount)
            guard tensor.storage.elementCount >= 0, !overflow, storage.count >= byteCount else {
                throw PickleError.malformed("storage of '\(name)' holds \(storage.count) bytes, fewer than its \(tensor.storage.elementCount) elements")
            }
            let elements = SafeTensors.convert(storage.prefix(byteCount), dtype)
            let values = try gather(elements, tensor, name: name)
            arrays.append((name, NamedArray(shape: tensor.shape, values: values, storedDType: dtype)))
        }
        return SafeTensorsFile(arrays: arrays)
    }

    /// Reads `shape` elements at `offset + Σ index_i * stride_i`, checking the bounds first.
    private static func gather(_ storage: [Float], _ tensor: TorchTensorReference, name: String) throws -> [Float] {
        // Sizes, strides and offset come from the file (non-negative, checked by TorchGlobals):
        // every product and sum is overflow-checked before it can index anything.
        var count = 1, lastIndex = tensor.storageOffset, overflow = false
        for (size, stride) in zip(tensor.shape, tensor.strides) {
            let product = count.multipliedReportingOverflow(by: size)
            let reach = (size > 0 ? size - 1 : 0).multipliedReportingOverflow(by: stride)
            let sum = lastIndex.addingReportingOverflow(reach.partialValue)
            (count, lastIndex) = (product.partialValue, sum.partialValue)
            overflow = overflow || product.overflow || reach.overflow || sum.overflow
        }
        guard !overflow else {
            throw PickleError.malformed("tensor '\(name)' size \(tensor.shape) / stride \(tensor.strides) overflow")
        }
        guard count > 0 else { return [] }
        guard lastIndex < storage.count else {
            throw PickleError.malformed("tensor '\(name)' (size \(tensor.shape), stride \(tensor.strides)) reaches past its storage of \(storage.count) elements")
        }
        var values = [Float](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: tensor.shape.count)
        for flat in 0..<count {
            values[flat] = storage[tensor.storageOffset + zip(index, tensor.strides).reduce(0) { $0 + $1.0 * $1.1 }]
            var axis = tensor.shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < tensor.shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return values
    }
}
