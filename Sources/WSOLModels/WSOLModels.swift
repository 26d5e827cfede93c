//! WSOLModels: see Documentation in README and docs/. (Module placeholder; content arrives per issue.)

/// Marker so the module is non-empty while its work is under way.
public enum WSOLModelsModule {
    public static let name = "WSOLModels"
}
