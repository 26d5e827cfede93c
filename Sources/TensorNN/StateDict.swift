//! Saving and loading a module tree's parameters by name (torchvision `state_dict` keys).
import TensorCore

/// Why weights could not be loaded into a model. Names the tensor.
public struct StateDictError: Error, CustomStringConvertible, Sendable {
    public var reason: String
    public var description: String { reason }
    public init(reason: String) { self.reason = reason }
}

extension Module {
    /// Every parameter and buffer as named arrays (buffers named `num_batches_tracked` keep int64).
    public func stateDict() -> SafeTensorsFile {
        SafeTensorsFile(arrays: namedParameters().map { name, parameter in
            let dtype: StoredDType = name.hasSuffix("num_batches_tracked") ? .int64 : .float32
            return (name, NamedArray(shape: parameter.value.shape, values: parameter.value.scalars, storedDType: dtype))
        })
    }

    /// Loads named arrays into the tree's parameters.
    ///
    /// - Parameters:
    ///   - strict: require that every parameter of the model is present and every array is used
    ///     (PyTorch's `strict=True`); otherwise missing/unexpected names are returned, not errors.
    ///   - ignoring: names to skip entirely (e.g. a classifier replaced for a new class count).
    /// - Returns: the names that were missing in `file` and those in `file` the model does not have.
    /// - Throws: ``StateDictError`` for a shape mismatch (always) or, if `strict`, any name mismatch.
    @discardableResult
    public func loadStateDict(_ file: SafeTensorsFile, strict: Bool = true, ignoring: Set<String> = [])
        throws -> (missing: [String], unexpected: [String])
    {
        let parameters = namedParameters().filter { !ignoring.contains($0.0) }
        var missing: [String] = []
        for (name, parameter) in parameters {
            guard let array = file.arrays[name] else {
                missing.append(name)
                continue
            }
            // A scalar buffer saved as shape [] or [1] is the same value.
            let shapesAgree = array.shape == parameter.value.shape
                || (array.values.count == 1 && parameter.value.count == 1)
            guard shapesAgree else {
                throw StateDictError(reason: "tensor '\(name)': the file has shape \(array.shape), the model expects \(parameter.value.shape)")
            }
            parameter.value = Tensor(shape: parameter.value.shape, scalars: array.values)
        }
        let known = Set(parameters.map(\.0))
        let unexpected = file.names.filter { !known.contains($0) && !ignoring.contains($0) }
        if strict && (!missing.isEmpty || !unexpected.isEmpty) {
            throw StateDictError(reason: "weights do not match the model: missing \(missing.prefix(5))\(missing.count > 5 ? " (+\(missing.count - 5) more)" : ""), unexpected \(unexpected.prefix(5))\(unexpected.count > 5 ? " (+\(unexpected.count - 5) more)" : "")")
        }
        return (missing, unexpected)
    }
}
