// swift-tools-version:6.0
// WSOLKit: weakly-supervised object localization in Swift.
// Dependency direction (design.md): C shims -> TensorKernels -> TensorCore -> TensorNN
// -> WSOLModels -> WSOLLocalization -> {WSOLEvaluation, WSOLData} -> WSOLCLI -> wsol.
import PackageDescription

/// Release builds target the machine kind we run on (Zen 4, AVX-512) only when asked:
/// `WSOL_NATIVE=1 swift build -c release`. The default stays portable x86-64-v3 (AVX2/FMA),
/// which every supported machine has and which the vectorizer needs for float loops.
let optimizationFlags: [SwiftSetting] = [
    .unsafeFlags(["-Xcc", "-march=x86-64-v3"]),
]

let package = Package(
    name: "WSOLKit",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "wsol", targets: ["wsol"]),
        .library(name: "WSOLKit", targets: [
            "TensorCore", "TensorNN", "WSOLModels", "WSOLLocalization", "WSOLEvaluation", "WSOLData",
            "WSOLTraining", "TensorDistributed",
            "WSOLReport",
        ]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // System libraries: module maps and shim headers only.
        .systemLibrary(name: "CTensorDNNL", path: "Sources/CTensorDNNL"),
        .systemLibrary(name: "CTensorBLAS", path: "Sources/CTensorBLAS"),
        .systemLibrary(name: "CImageCodecs", path: "Sources/CImageCodecs"),
        // Open MPI (libopenmpi-dev): data-parallel training and sharded evaluation (docs/distributed.md).
        .systemLibrary(name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi-c"),

        // Engine.
        .target(name: "TensorKernels", dependencies: ["CTensorDNNL", "CTensorBLAS"],
                swiftSettings: optimizationFlags),
        .target(name: "TensorCore", dependencies: ["TensorKernels"],
                swiftSettings: optimizationFlags),
        // Collectives (allreduce, broadcast) over MPI or a single process; cross-rank autodiff sums.
        .target(name: "TensorDistributed", dependencies: ["TensorCore", "CMPI"], swiftSettings: optimizationFlags),
        .target(name: "TensorNN", dependencies: ["TensorCore", "TensorDistributed", .product(name: "Logging", package: "swift-log")],
                swiftSettings: optimizationFlags),

        // WSOL.
        .target(name: "WSOLModels", dependencies: ["TensorNN", "TensorDistributed"], swiftSettings: optimizationFlags),
        .target(name: "WSOLLocalization", dependencies: ["WSOLModels"], swiftSettings: optimizationFlags),
        .target(name: "WSOLEvaluation", dependencies: ["WSOLLocalization"], swiftSettings: optimizationFlags),
        .target(name: "WSOLData", dependencies: [
            "WSOLLocalization", "CImageCodecs", .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: optimizationFlags),
        // Training loop, checkpoints and run directories (needs data and evaluation).
        .target(name: "WSOLTraining", dependencies: [
            "WSOLEvaluation", "WSOLData", .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: optimizationFlags),
        // Static HTML reports over run, localize and evaluate directories.
        .target(name: "WSOLReport", dependencies: ["WSOLEvaluation", "WSOLData", "WSOLTraining"]),
        .target(name: "WSOLCLI", dependencies: [
            "WSOLEvaluation", "WSOLData", "WSOLTraining",
            "WSOLReport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: optimizationFlags),
        .executableTarget(name: "wsol", dependencies: ["WSOLCLI"]),

        // Tests: one target per module plus shared support.
        .target(name: "TensorTestSupport", dependencies: [
            "TensorCore", .product(name: "Numerics", package: "swift-numerics"),
        ], path: "Tests/TensorTestSupport"),
        .testTarget(name: "TensorKernelsTests", dependencies: ["TensorKernels", "TensorTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore", "TensorTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "TensorDistributedTests", dependencies: ["TensorDistributed", "TensorNN", "TensorTestSupport"]),
        .testTarget(name: "TensorNNTests", dependencies: ["TensorNN", "TensorTestSupport"],
                    resources: [.copy("Fixtures")]),
        // WSOLData only to decode the real photos of the MobileNetV2 golden test.
        .testTarget(name: "WSOLModelsTests", dependencies: ["WSOLModels", "WSOLData", "TensorDistributed", "TensorTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "WSOLLocalizationTests", dependencies: ["WSOLLocalization", "TensorTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "WSOLEvaluationTests", dependencies: ["WSOLEvaluation", "WSOLData", "TensorTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "WSOLDataTests", dependencies: ["WSOLData", "TensorTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "WSOLTrainingTests", dependencies: ["WSOLTraining", "TensorTestSupport"]),
        .testTarget(name: "WSOLReportTests", dependencies: ["WSOLReport", "WSOLData", "WSOLTraining", "TensorTestSupport"]),
        .testTarget(name: "WSOLCLITests", dependencies: ["WSOLCLI", "TensorTestSupport"],
                    resources: [.copy("Fixtures")]),
    ]
)
