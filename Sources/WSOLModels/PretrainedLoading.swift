//! Loading torchvision state dicts into the backbones and their CAM variants, following the
//! reference rules (wsolevaluation `load_pretrained_model`): drop the classifier when the class
//! count differs, re-align VGG `features` indices when pools were removed, drop Inception's
//! `Mixed_7*`, `AuxLogits` and `fc` for the CAM variant. Every name that did not load is reported.
import TensorCore
import TensorNN

/// Pretrained weights that do not fit a model (strict loading); the message names the tensors.
public struct PretrainedWeightsError: Error, CustomStringConvertible, Sendable {
    public var reason: String
    public var description: String { reason }
}

/// What loading pretrained weights did, by state-dict name.
public struct PretrainedLoadReport: Sendable, Equatable {
    /// Checkpoint names removed by the rules (e.g. `classifier.6.weight`, `Mixed_7a.*`).
    public var dropped: [String] = []
    /// Checkpoint names moved to the model's names (`features.24.weight` → `features.23.weight`).
    public var renamed: [Rename] = []
    /// Model parameters the checkpoint did not provide (left at their initialisation).
    public var missing: [String] = []
    /// Checkpoint names (after the rules) the model does not have.
    public var unexpected: [String] = []
    /// Names present on both sides with different shapes (not loaded).
    public var shapeMismatches: [String] = []
    /// How many tensors were copied into the model.
    public var loadedCount = 0

    public struct Rename: Sendable, Equatable {
        public var from: String
        public var to: String
    }
}

/// How a model adapts a torchvision checkpoint before loading: names to drop, names to move, and
/// the parameter prefixes that are new layers (absent from any torchvision checkpoint).
public struct PretrainedRules: Sendable {
    /// A checkpoint name is dropped if it starts with one of these.
    public var droppedPrefixes: [String] = []
    /// Model parameter prefixes that are expected to be missing (new head layers).
    public var newLayerPrefixes: [String] = []
    /// Re-align `features.<i>` indices of VGG-style checkpoints to the model's own indices.
    public var realignsFeatureIndices = false
    /// Drop the prefixes listed here when the checkpoint's tensor shapes differ from the model's
    /// (a classifier trained for another class count); they then count as new layers.
    public var classifierPrefixes: [String] = []

    public init(droppedPrefixes: [String] = [], newLayerPrefixes: [String] = [], realignsFeatureIndices: Bool = false,
                classifierPrefixes: [String] = []) {
        self.droppedPrefixes = droppedPrefixes
        self.newLayerPrefixes = newLayerPrefixes
        self.realignsFeatureIndices = realignsFeatureIndices
        self.classifierPrefixes = classifierPrefixes
    }
}

/// A model that knows how to take torchvision weights.
public protocol PretrainedLoadable: Module {
    /// The rules for this architecture/variant.
    var pretrainedRules: PretrainedRules { get }
}

extension PretrainedLoadable {
    /// Loads a torchvision state dict with the model's ``pretrainedRules``.
    ///
    /// - Parameters:
    ///   - strict: throw unless every parameter outside the new layers is loaded, nothing is left
    ///     unused and no shape differs. Non-strict loads what matches and reports the rest.
    ///   - dropClassifier: also drop the classifier when its shape fits (fine-tuning a 1000-class
    ///     head afresh). By default the classifier is kept exactly when its shape fits.
    /// - Throws: ``PretrainedWeightsError`` naming the offending tensors (strict only).
    @discardableResult
    public func loadPretrained(_ file: SafeTensorsFile, strict: Bool = true, dropClassifier: Bool = false) throws
        -> PretrainedLoadReport
    {
        var rules = pretrainedRules
        var report = PretrainedLoadReport()
        let parameters = Dictionary(namedParameters(), uniquingKeysWith: { first, _ in first })
        let classifierFits = rules.classifierPrefixes.allSatisfy { prefix in
            parameters.filter { $0.key.hasPrefix(prefix) }.allSatisfy { file.arrays[$0.key]?.shape == $0.value.value.shape }
        }
        if dropClassifier || !classifierFits {
            rules.droppedPrefixes += rules.classifierPrefixes
            rules.newLayerPrefixes += rules.classifierPrefixes
        }
        let adapted = adapt(file, rules: rules, report: &report)
        copy(adapted, into: parameters, rules: rules, report: &report)
        if strict { try requireComplete(report, rules: rules) }
        return report
    }

    private func adapt(_ file: SafeTensorsFile, rules: PretrainedRules, report: inout PretrainedLoadReport) -> [(String, NamedArray)] {
        var kept: [(String, NamedArray)] = []
        for name in file.names {
            if rules.droppedPrefixes.contains(where: name.hasPrefix) {
                report.dropped.append(name)
            } else if let array = file.arrays[name] {
                kept.append((name, array))
            }
        }
        guard rules.realignsFeatureIndices else { return kept }
        let moves = featureIndexMoves(from: kept.map(\.0), to: namedParameters().map(\.0))
        return kept.map { name, array in
            guard let target = moves[name] else { return (name, array) }
            if target != name { report.renamed.append(.init(from: name, to: target)) }
            return (target, array)
        }
    }

    private func copy(_ arrays: [(String, NamedArray)], into parameters: [String: Parameter], rules: PretrainedRules,
                      report: inout PretrainedLoadReport) {
        var provided = Set<String>()
        for (name, array) in arrays {
            guard let parameter = parameters[name] else { report.unexpected.append(name); continue }
            provided.insert(name)
            let fits = array.shape == parameter.value.shape || (array.values.count == 1 && parameter.value.count == 1)
            guard fits else { report.shapeMismatches.append(name); continue }
            parameter.value = Tensor(shape: parameter.value.shape, scalars: array.values)
            report.loadedCount += 1
        }
        report.missing = namedParameters().map(\.0).filter { !provided.contains($0) }
    }

    private func requireComplete(_ report: PretrainedLoadReport, rules: PretrainedRules) throws {
        let unexplained = report.missing.filter { name in !rules.newLayerPrefixes.contains(where: name.hasPrefix) }
        guard unexplained.isEmpty, report.unexpected.isEmpty, report.shapeMismatches.isEmpty else {
            func list(_ names: [String]) -> String {
                names.prefix(5).joined(separator: ", ") + (names.count > 5 ? " (+\(names.count - 5) more)" : "")
            }
            throw PretrainedWeightsError(reason: "pretrained weights do not match \(type(of: self)): missing [\(list(unexplained))], unexpected [\(list(report.unexpected))], shape mismatch [\(list(report.shapeMismatches))]")
        }
    }
}

/// wsolevaluation's `adjust_pretrained_model`: the distinct `features.<i>` indices of the checkpoint
/// and of the model, both sorted descending, are paired in order, so convs keep their order when
/// pools were removed in between. Returns old name → new name for every `features.` tensor.
func featureIndexMoves(from checkpointNames: [String], to modelNames: [String]) -> [String: String] {
    func index(_ name: String) -> Int? {
        let parts = name.split(separator: ".")
        guard parts.count >= 3, parts[0] == "features" else { return nil }
        return Int(parts[1])
    }
    let checkpointIndices = Set(checkpointNames.compactMap(index)).sorted(by: >)
    let modelIndices = Set(modelNames.compactMap(index)).sorted(by: >)
    let indexMap = Dictionary(uniqueKeysWithValues: zip(checkpointIndices, modelIndices))
    var moves: [String: String] = [:]
    for name in checkpointNames {
        guard let old = index(name), let new = indexMap[old] else { continue }
        let suffix = name.split(separator: ".").dropFirst(2).joined(separator: ".")
        moves[name] = "features.\(new).\(suffix)"
    }
    return moves
}

extension MobileNetV2: PretrainedLoadable {
    public var pretrainedRules: PretrainedRules { PretrainedRules(classifierPrefixes: ["classifier."]) }
}

extension ResNet50: PretrainedLoadable {
    /// wsolevaluation keeps `fc` for ILSVRC (1000 classes) and drops it otherwise.
    public var pretrainedRules: PretrainedRules { PretrainedRules(classifierPrefixes: ["fc."]) }
}

extension VGG16: PretrainedLoadable {
    /// Only the last linear layer depends on the class count.
    public var pretrainedRules: PretrainedRules { PretrainedRules(classifierPrefixes: ["classifier.6."]) }
}

extension VGG16CAM: PretrainedLoadable {
    /// The torchvision classifier is always dropped; `conv6` and `fc` are new. `fc` (the classifier
    /// of our own VGG16-CAM checkpoints) is kept when its class count fits.
    public var pretrainedRules: PretrainedRules {
        PretrainedRules(droppedPrefixes: ["classifier."], newLayerPrefixes: ["conv6.", "fc."], realignsFeatureIndices: true,
                        classifierPrefixes: ["fc."])
    }
}

extension InceptionV3: PretrainedLoadable {
    public var pretrainedRules: PretrainedRules {
        PretrainedRules(droppedPrefixes: auxLogits == nil ? ["AuxLogits."] : [],
                        classifierPrefixes: auxLogits == nil ? ["fc."] : ["fc.", "AuxLogits.fc."])
    }
}

extension InceptionV3CAM: PretrainedLoadable {
    public var pretrainedRules: PretrainedRules {
        // `SPG_A4` (the class conv of our own checkpoints) is kept when its class count fits.
        PretrainedRules(droppedPrefixes: ["Mixed_7", "AuxLogits.", "fc."], newLayerPrefixes: ["SPG_"],
                        classifierPrefixes: ["SPG_A4."])
    }
}

extension SmallResNet: PretrainedLoadable {
    /// Its own checkpoints only; a classifier of another class count is re-initialised.
    public var pretrainedRules: PretrainedRules { PretrainedRules(classifierPrefixes: ["fc."]) }
}
