// swift-tools-version:6.0
// libFuzzer targets for every reader WSOLKit owns (docs/reliability.md). A separate package so
// that the normal build never sees them: each target defines `LLVMFuzzerTestOneInput` and has no
// `main` (libFuzzer provides it), so it only links with `-sanitize=fuzzer`. Build and run through
// `scripts/fuzz TARGET SECONDS`, which passes `-sanitize=fuzzer,address` to every module,
// WSOLKit's included (its code is what gets instrumented).
import PackageDescription

let fuzzTargets = ["safetensors", "torch", "npy", "metadata", "coco", "config", "png", "jpeg"]

let package = Package(
    name: "WSOLKitFuzz",
    dependencies: [.package(name: "WSOLKit", path: "..")],
    targets: [
        .target(name: "FuzzSupport", dependencies: [.product(name: "WSOLKit", package: "WSOLKit")]),
    ] + fuzzTargets.map { name in
        .executableTarget(name: "fuzz-\(name)", dependencies: ["FuzzSupport", .product(name: "WSOLKit", package: "WSOLKit")],
                          swiftSettings: [.unsafeFlags(["-parse-as-library"])])
    }
)
