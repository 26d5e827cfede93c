import Foundation
import Testing
import TensorNN
@testable import WSOLCLI

@Suite struct ImportWeightsCommandTests {
    @Test func convertsACheckpointToSafetensors() throws {
        let input = try #require(Bundle.module.path(forResource: "tiny_zip", ofType: "pth", inDirectory: "Fixtures"))
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("iw-\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let command = try #require(try WSOLCommand.parseAsRoot(["import-weights", input, "--out", output, "--strip-prefix", "fc."]) as? ImportWeightsCommand)
        try command.run()
        let written = try SafeTensors.read(output)
        // fc.weight lost its prefix; its values are the transposed arange from the fixture generator.
        #expect(written.arrays["weight"] == NamedArray(shape: [3, 2], values: [0, 3, 1, 4, 2, 5]))
        #expect(written.names.contains("conv.weight"))
    }

    @Test func aMissingInputNamesTheFile() throws {
        let command = try #require(try WSOLCommand.parseAsRoot(["import-weights", "/no/such.pth", "--out", "/tmp/x.safetensors"]) as? ImportWeightsCommand)
        let error = try #require(throws: WeightsFileError.self) { try command.run() }
        #expect(error.description.contains("/no/such.pth"))
    }
}
