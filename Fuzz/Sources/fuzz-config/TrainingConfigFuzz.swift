//! Fuzzes the run-config parser (`wsol train --config`): JSON, unknown keys, types, validation.
import Foundation
import FuzzSupport
import WSOLTraining

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTrainingConfig(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    exercise(source: "fuzz.json") {
        let config = try TrainingConfig.decode(Data(input.bytes), source: "fuzz.json")
        // validate() names settings, not files: it runs on configs that parsed, and must only throw.
        do { try config.validate() } catch {}
    }
    return 0
}

/// The entry point SwiftPM links as `main` (see runLibFuzzer).
@_cdecl("fuzz_config_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runLibFuzzer(argc, argv, fuzzTrainingConfig)
}
