import Foundation
import Testing
@testable import WSOLData

@Suite struct AssetCatalogTests {
    /// FIPS 180-4 example vectors.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func sha256MatchesPublishedVectors(_ input: String, _ digest: String) {
        #expect(SHA256.hexDigest(Array(input.utf8)) == digest)
    }

    @Test func sha256OfAMillionAs() {
        // FIPS 180-4: one million 'a' (exercises many blocks and the length encoding).
        #expect(SHA256.hexDigest([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func verificationRejectsAChangedFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("asset-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("abc".utf8).write(to: URL(fileURLWithPath: path))
        #expect(AssetCatalog.isVerified(path, sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
        try Data("abd".utf8).write(to: URL(fileURLWithPath: path))
        #expect(!AssetCatalog.isVerified(path, sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
        #expect(!AssetCatalog.isVerified(path + ".missing", sha256: ""))
    }

    @Test func classNamesAreReadFromTheListLiteral() throws {
        let names = (0..<1000).map { $0 == 1 ? "potter's wheel" : "class \($0)" }
        let source = "x = 1\n_IMAGENET_CATEGORIES = [\n" + names.map { "    \"\($0)\",\n" }.joined() + "]\nother = [\"no\"]\n"
        #expect(try AssetCatalog.imageNetClassNames(fromTorchvisionMeta: source) == names)
        #expect(throws: AssetError.self) { try AssetCatalog.imageNetClassNames(fromTorchvisionMeta: "_IMAGENET_CATEGORIES = [\"a\"]") }
    }

    @Test func everyAssetHasAWellFormedChecksum() {
        for asset in AssetCatalog.all {
            #expect(asset.sha256.count == 64 && asset.sha256.allSatisfy { $0.isHexDigit && !$0.isUppercase }, "\(asset.name)")
            #expect(asset.requirement.contains("=="), "\(asset.name) pins a version")
        }
    }
}
