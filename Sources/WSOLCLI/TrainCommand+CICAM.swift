//! `wsol train` flags of CI-CAM (`--method ci-cam`) and the KD-CI-CAM student (`--method kd-ci-cam`).
import ArgumentParser
import WSOLTraining

/// The `method.cicam` settings as flags (docs/cicam.md); each overrides the config file.
struct CICAMFlags: ParsableArguments {
    @Option(help: "CI-CAM: context pool update rate.") var cicamUpdateRate: Float?
    @Option(help: "CI-CAM: layers followed by a self-attention block, comma-separated (default: per backbone).")
    var cicamAttentionLayers: String?
    @Option(help: "CI-CAM: combinational map: quadratic, linear, sum_1, sum_2 or none.") var cicamCombination: String?
    @Option(help: "CI-CAM: m, the lowest-ranked classes of sum_1/sum_2.") var cicamLowestCount: Int?
    @Option(help: "CI-CAM teacher: auxiliary loss none, fore, diff or aux.") var cicamAuxiliary: String?
    @Option(help: "CI-CAM teacher: auxiliary loss weight.") var cicamAuxiliaryRate: Float?
    @Option(help: "CI-CAM: mask threshold of the auxiliary losses (share of the map maximum).") var cicamSegThreshold: Float?
    @Option(help: "CI-CAM teacher: sparsity variant 0, 1 or 2.") var cicamSparsity: Int?
    @Option(help: "CI-CAM teacher: sparsity weight.") var cicamSparsityRate: Float?
    @Option(help: "KD-CI-CAM: run directory of the classification teacher.") var kdClassificationTeacher: String?
    @Option(help: "KD-CI-CAM: run directory of the localization teacher.") var kdLocalizationTeacher: String?
    @Option(help: "KD-CI-CAM: teachers' checkpoint, best or last.") var kdTeacherCheckpoint: String?
    @Option(help: "KD-CI-CAM: alpha, the weight of the distillation terms.") var kdAlpha: Float?
    @Option(help: "KD-CI-CAM: temperature of the classification term.") var kdClassificationTemperature: Float?
    @Option(help: "KD-CI-CAM: temperature of the localization term.") var kdLocalizationTemperature: Float?
    @Flag(help: "KD-CI-CAM: the official KL on probabilities without T² (default: true KL times T²).")
    var kdCompat = false

    /// Writes the given flags into `settings`.
    func apply(to settings: inout CICAMSettings) {
        func set<Value>(_ value: Value?, _ keyPath: WritableKeyPath<CICAMSettings, Value>) {
            if let value { settings[keyPath: keyPath] = value }
        }
        set(cicamUpdateRate, \.updateRate); set(cicamCombination, \.combination); set(cicamLowestCount, \.lowestCount)
        set(cicamAttentionLayers.map { $0.split(separator: ",").map(String.init) }, \.attentionLayers)
        set(cicamAuxiliary, \.auxiliary); set(cicamAuxiliaryRate, \.auxiliaryRate); set(cicamSegThreshold, \.segThreshold)
        set(cicamSparsity, \.sparsity); set(cicamSparsityRate, \.sparsityRate)
        set(kdClassificationTeacher, \.classificationTeacher); set(kdLocalizationTeacher, \.localizationTeacher)
        set(kdTeacherCheckpoint, \.teacherCheckpoint); set(kdAlpha, \.alpha)
        set(kdClassificationTemperature, \.classificationTemperature); set(kdLocalizationTemperature, \.localizationTemperature)
        if kdCompat { settings.compatibleKL = true }
    }
}
