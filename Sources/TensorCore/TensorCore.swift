//! TensorCore: see Documentation in README and docs/. (Module placeholder; content arrives per issue.)

/// Marker so the module is non-empty while its work is under way.
public enum TensorCoreModule {
    public static let name = "TensorCore"
}
