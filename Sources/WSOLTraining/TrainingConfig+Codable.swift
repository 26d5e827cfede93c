//! Decoding configs with defaults for absent keys and an error for unknown ones.
import Foundation

extension TrainingConfig {
    /// Reads a JSON config file. Absent keys keep their defaults; unknown keys and type errors
    /// throw ``TrainingConfigError`` naming the file and the key.
    public static func read(path: String) throws -> TrainingConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrainingConfigError(field: "-", reason: "cannot be read: the file is missing or unreadable", path: path)
        }
        return try decode(data, source: path)
    }

    /// Parses JSON bytes; `source` names the origin in errors.
    public static func decode(_ data: Data, source: String) throws -> TrainingConfig {
        do {
            return try JSONDecoder().decode(TrainingConfig.self, from: data)
        } catch let error as TrainingConfigError {
            var named = error
            named.path = source
            throw named
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw TrainingConfigError(field: context.codingPath.map(\.stringValue).joined(separator: "."),
                                      reason: "has the wrong type: \(context.debugDescription)", path: source)
        } catch let DecodingError.dataCorrupted(context) {
            throw TrainingConfigError(field: context.codingPath.map(\.stringValue).joined(separator: ".").nonEmpty ?? "-",
                                      reason: "is not valid JSON: \(context.debugDescription)", path: source)
        }
    }

    /// Pretty, key-sorted JSON (what the manifest stores and `--resume` reads back).
    public func jsonText() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}

/// Any key, for listing what a JSON object holds.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension KeyedDecodingContainer {
    /// `decodeIfPresent` that keeps `current` when the key is absent.
    func value<T: Decodable>(_ key: Key, or current: T) throws -> T {
        do {
            return try decodeIfPresent(T.self, forKey: key) ?? current
        } catch let error where !(error is DecodingError) && !(error is TrainingConfigError) {
            // Foundation throws an internal error for a number that does not fit T (1e30 or 2.5
            // for an Int, -1 for a UInt64), which it then reports as "not valid JSON" without a
            // path: name the setting instead.
            throw TrainingConfigError(field: (codingPath + [key]).map(\.stringValue).joined(separator: "."),
                                      reason: "is not a valid \(T.self) (out of range, or a fraction where an integer is needed)")
        }
    }
}

/// Throws for keys of `decoder`'s object that are not in `known` (typos must not pass silently).
func rejectUnknownKeys(_ decoder: Decoder, known: [String], prefix: String) throws {
    let container = try decoder.container(keyedBy: AnyCodingKey.self)
    if let unknown = container.allKeys.map(\.stringValue).first(where: { !known.contains($0) }) {
        throw TrainingConfigError(field: prefix + unknown, reason: "is not a known setting (see docs/training.md)")
    }
}

extension TrainingConfig {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case dataRoot, metadataRoot, dataset, architecture, width, pretrained, method, inputSize, resizeSize
        case batchSize, epochs, optimizer, learningRate, momentum, nesterov, weightDecay
        case newLayerLearningRateMultiplier, schedule, decayEvery, decayGamma, seed, outputDirectory
        case checkpointMinutes, camCurveInterval, workers, skipBadImages
        case syncBatchNorm
    }

    public init(from decoder: Decoder) throws {
        try rejectUnknownKeys(decoder, known: CodingKeys.allCases.map(\.rawValue), prefix: "")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var config = TrainingConfig()
        config.dataRoot = try c.value(.dataRoot, or: config.dataRoot)
        config.metadataRoot = try c.value(.metadataRoot, or: config.metadataRoot)
        config.dataset = try c.value(.dataset, or: config.dataset)
        config.architecture = try c.value(.architecture, or: config.architecture)
        config.width = try c.value(.width, or: config.width)
        config.pretrained = try c.value(.pretrained, or: config.pretrained)
        config.method = try c.value(.method, or: config.method)
        config.inputSize = try c.value(.inputSize, or: config.inputSize)
        config.resizeSize = try c.value(.resizeSize, or: config.resizeSize)
        config.batchSize = try c.value(.batchSize, or: config.batchSize)
        config.epochs = try c.value(.epochs, or: config.epochs)
        config.optimizer = try c.value(.optimizer, or: config.optimizer)
        config.learningRate = try c.value(.learningRate, or: config.learningRate)
        config.momentum = try c.value(.momentum, or: config.momentum)
        config.nesterov = try c.value(.nesterov, or: config.nesterov)
        config.weightDecay = try c.value(.weightDecay, or: config.weightDecay)
        config.newLayerLearningRateMultiplier = try c.value(.newLayerLearningRateMultiplier, or: config.newLayerLearningRateMultiplier)
        config.schedule = try c.value(.schedule, or: config.schedule)
        config.decayEvery = try c.value(.decayEvery, or: config.decayEvery)
        config.decayGamma = try c.value(.decayGamma, or: config.decayGamma)
        config.seed = try c.value(.seed, or: config.seed)
        config.outputDirectory = try c.value(.outputDirectory, or: config.outputDirectory)
        config.checkpointMinutes = try c.value(.checkpointMinutes, or: config.checkpointMinutes)
        config.camCurveInterval = try c.value(.camCurveInterval, or: config.camCurveInterval)
        config.workers = try c.value(.workers, or: config.workers)
        config.skipBadImages = try c.value(.skipBadImages, or: config.skipBadImages)
        config.syncBatchNorm = try c.value(.syncBatchNorm, or: config.syncBatchNorm)
        self = config
    }
}

extension MethodSettings {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, hasGridSize, hasDropRate, cutmixBeta, cutmixProbability, adlDropRate, adlThreshold, adlLayer
        case c2am
        case dawsol
        case cicam
    }

    public init(from decoder: Decoder) throws {
        try rejectUnknownKeys(decoder, known: CodingKeys.allCases.map(\.rawValue), prefix: "method.")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var settings = MethodSettings()
        settings.name = try c.value(.name, or: settings.name)
        settings.hasGridSize = try c.value(.hasGridSize, or: settings.hasGridSize)
        settings.hasDropRate = try c.value(.hasDropRate, or: settings.hasDropRate)
        settings.cutmixBeta = try c.value(.cutmixBeta, or: settings.cutmixBeta)
        settings.cutmixProbability = try c.value(.cutmixProbability, or: settings.cutmixProbability)
        settings.adlDropRate = try c.value(.adlDropRate, or: settings.adlDropRate)
        settings.adlThreshold = try c.value(.adlThreshold, or: settings.adlThreshold)
        settings.adlLayer = try c.value(.adlLayer, or: settings.adlLayer)
        settings.c2am = try c.value(.c2am, or: settings.c2am)
        settings.dawsol = try c.value(.dawsol, or: settings.dawsol)
        settings.cicam = try c.value(.cicam, or: settings.cicam)
        self = settings
    }
}
