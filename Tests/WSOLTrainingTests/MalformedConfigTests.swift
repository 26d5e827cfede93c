import Foundation
import Testing
@testable import WSOLTraining

/// Run configs that nest, overflow or lie about types: each is a ``TrainingConfigError`` naming
/// the file, never a crash (the fuzzing regression corpus of docs/reliability.md).
@Suite struct MalformedConfigTests {
    @Test(arguments: [
        (#"{"epochs": 1e30}"#, "epochs"),                      // beyond Int
        (#"{"epochs": 2.5}"#, "epochs"),                       // not an integer
        (#"{"seed": -1}"#, "seed"),                            // UInt64
        (#"{"learningRate": 1e60}"#, "learningRate"),          // beyond Float
        (#"{"method": [1, 2]}"#, "method"),
        (#"{"dataRoot": "d", "#, "-"),                          // truncated
        ("\u{FEFF}{\"epochs\": 2} trailing", "-"),
        (String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000), "-"),
        (#"{"method": {"name": "cam", "method": {"name": "cam"}}}"#, "method.method"),
    ])
    func malformedConfigNamesTheFile(_ json: String, _ field: String) {
        do {
            let config = try TrainingConfig.decode(Data(json.utf8), source: "run.json")
            // Parsing may accept an odd value that validation then refuses, naming the setting.
            #expect(throws: TrainingConfigError.self, "\(json.prefix(60))") { try config.validate() }
        } catch let error as TrainingConfigError {
            #expect(error.path == "run.json")
            #expect(field == "-" || error.field.hasPrefix(field), "\(error)")
        } catch {
            Issue.record("untyped error for \(json.prefix(60)): \(error)")
        }
    }

    @Test func unreadableFileIsNamed() {
        #expect { try TrainingConfig.read(path: "/nonexistent/run.json") } throws: { error in
            "\(error)".contains("/nonexistent/run.json")
        }
    }
}
