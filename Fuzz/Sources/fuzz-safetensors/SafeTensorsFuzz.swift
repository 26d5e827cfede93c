//! Fuzzes the safetensors reader (header length, JSON header, dtypes, shapes, offsets).
import FuzzSupport
import TensorNN

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    exercise(source: "fuzz.safetensors") {
        let file = try SafeTensors.decode(input.bytes, source: "fuzz.safetensors")
        // Touch every array, so that a bad offset that slipped through would be read here.
        for name in file.names { _ = file.arrays[name]?.values.reduce(0, +) }
    }
    return 0
}

/// The entry point SwiftPM links as `main` (see runLibFuzzer).
@_cdecl("fuzz_safetensors_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runLibFuzzer(argc, argv, fuzzSafeTensors)
}
