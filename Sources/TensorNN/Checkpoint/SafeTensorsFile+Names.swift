//! Renaming the arrays of a weights file.

extension SafeTensorsFile {
    /// The same arrays with `prefix` removed from the names that start with it.
    public func strippingPrefix(_ prefix: String) -> SafeTensorsFile {
        let renamed = names.compactMap { name -> (String, NamedArray)? in
            guard let array = arrays[name] else { return nil }
            return (name.hasPrefix(prefix) ? String(name.dropFirst(prefix.count)) : name, array)
        }
        return SafeTensorsFile(arrays: renamed, metadata: metadata)
    }
}
