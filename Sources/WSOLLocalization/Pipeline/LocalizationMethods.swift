//! The methods by name, as the CLI and configuration files spell them.

/// Looks methods up by their ``LocalizationMethod/name``.
public enum LocalizationMethods {
    /// Every method with default settings, in documentation order.
    public static let all: [any LocalizationMethod] = [
        CAM(), GradCAM(), GradCAMPlusPlus(), XGradCAM(), HiResCAM(), LayerCAM(), ScoreCAM(), AblationCAM(), EigenCAM(),
    ] + DGL.Variant.allCases.map { DGL(variant: $0) } + [NativeMap()]

    /// The accepted names.
    public static var names: [String] { all.map(\.name) }

    /// The method called `name` (case-insensitive).
    public static func named(_ name: String) throws -> any LocalizationMethod {
        guard let method = all.first(where: { $0.name == name.lowercased() }) else {
            throw LocalizationError.unknownMethod(name, available: names)
        }
        return method
    }
}
