//! The knobs of the SynthWSOL generator, its two presets and their validation.

/// Image file format of generated images (masks are always PNG).
public enum SynthImageFormat: String, Codable, Sendable, CaseIterable {
    case png
    case jpeg

    public var fileExtension: String { self == .png ? "png" : "jpg" }
}

/// Everything that determines a SynthWSOL data set. Two runs with equal configs write byte-identical
/// files. docs/synthwsol.md explains why each knob exists.
public struct SynthConfig: Codable, Sendable, Equatable {
    /// Seeds the class catalogue and every image.
    public var seed: UInt64 = 0
    /// Number of classes K (2-30: 6 part colours x 5 part patterns).
    public var classCount = 10
    /// Number of background texture families B (2-24). Class `c` owns family `c % B`.
    public var backgroundFamilyCount = 10
    /// Number of body shapes (1-5); class `c` has shape `c % shapeCount`, so each shape is shared by
    /// about K / shapeCount classes and the shape alone does not identify the class.
    public var shapeCount = 4
    /// Image side in pixels (64-256); images are square.
    public var imageSize = 96
    /// Probability that an image of class `c` in train, val and test sits on `c`'s own background
    /// family; otherwise the family is drawn uniformly from the other B - 1 (so the measured rate is
    /// exactly rho in expectation). `test-counter` never uses the own family.
    public var rho = 0.8
    /// Images per class in each split.
    public var trainPerClass = 500
    public var valPerClass = 50
    public var testPerClass = 100
    public var testCounterPerClass = 100
    /// Object size (diameter of its bounding circle) as a fraction of the image side, uniform in
    /// `[minScale, maxScale]`.
    public var minScale = 0.15
    public var maxScale = 0.70
    /// Area of the discriminative part as a fraction of the body area, uniform in this range.
    public var minPartFraction = 0.05
    public var maxPartFraction = 0.10
    /// Probability that an image gets distractors (bodies without a part); then 1...maxDistractors.
    public var distractorProbability = 0.3
    public var maxDistractors = 2
    /// Samples per pixel side for anti-aliasing (n x n per pixel, box-filtered).
    public var supersampling = 3
    public var imageFormat = SynthImageFormat.png
    /// JPEG quality (1-100) when `imageFormat` is `.jpeg`.
    public var jpegQuality = 92

    public init() {}

    /// The images per class of `split`.
    public func imagesPerClass(_ split: DatasetSplit) -> Int {
        switch split {
        case .train: return trainPerClass
        case .val: return valPerClass
        case .test: return testPerClass
        case .testCounter: return testCounterPerClass
        }
    }

    /// Total images over all splits.
    public var totalImages: Int { DatasetSplit.allCases.reduce(0) { $0 + imagesPerClass($1) } * classCount }
}

/// Named starting points; any knob can be overridden afterwards.
public enum SynthPreset: String, CaseIterable, Sendable, Codable {
    /// 4 classes at 64 px, 312 images: generated in about a second (release), for tests and demos.
    case tiny
    /// 10 classes at 96 px: 500 train, 50 val, 100 test and 100 test-counter images per class.
    case standard

    public var config: SynthConfig {
        var config = SynthConfig()
        switch self {
        case .standard:
            break
        case .tiny:
            config.classCount = 4
            config.backgroundFamilyCount = 4
            config.shapeCount = 2
            config.imageSize = 64
            config.trainPerClass = 48
            config.valPerClass = 6
            config.testPerClass = 12
            config.testCounterPerClass = 12
        }
        return config
    }
}

/// A config value out of range; the reason names the knob.
public struct SynthConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    public var reason: String
    public var description: String { "invalid SynthWSOL config: \(reason)" }
}

extension SynthConfig {
    /// Most classes the part catalogue can tell apart (colours x patterns).
    public static let maxClassCount = 30
    public static let maxBackgroundFamilyCount = 24

    /// Throws `SynthConfigError` naming the first knob out of range.
    public func validate() throws {
        func require(_ condition: Bool, _ reason: String) throws {
            if !condition { throw SynthConfigError(reason: reason) }
        }
        try require((2...Self.maxClassCount).contains(classCount), "classes must be 2-\(Self.maxClassCount), got \(classCount)")
        try require((2...Self.maxBackgroundFamilyCount).contains(backgroundFamilyCount),
                    "background families must be 2-\(Self.maxBackgroundFamilyCount), got \(backgroundFamilyCount)")
        try require((1...SynthShape.allCases.count).contains(shapeCount),
                    "shapes must be 1-\(SynthShape.allCases.count), got \(shapeCount)")
        try require((64...256).contains(imageSize), "image size must be 64-256, got \(imageSize)")
        try require((0...1).contains(rho), "rho must be in [0, 1], got \(rho)")
        try require([trainPerClass, valPerClass, testPerClass, testCounterPerClass].allSatisfy { $0 >= 0 },
                    "images per class must not be negative")
        try require(0.05 <= minScale && minScale <= maxScale && maxScale <= 1,
                    "scales must satisfy 0.05 <= min <= max <= 1, got \(minScale)-\(maxScale)")
        try require(0.01 <= minPartFraction && minPartFraction <= maxPartFraction && maxPartFraction <= 0.25,
                    "part fractions must satisfy 0.01 <= min <= max <= 0.25, got \(minPartFraction)-\(maxPartFraction)")
        try require((0...1).contains(distractorProbability), "distractor probability must be in [0, 1]")
        try require((0...4).contains(maxDistractors), "max distractors must be 0-4, got \(maxDistractors)")
        try require((1...8).contains(supersampling), "supersampling must be 1-8, got \(supersampling)")
        try require((1...100).contains(jpegQuality), "JPEG quality must be 1-100, got \(jpegQuality)")
    }
}
