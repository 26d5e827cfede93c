//! Fuzzes the `.npy` reader (magic, versions, header dict literal, dtype, shape, data length).
import FuzzSupport
import WSOLData

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNumpy(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    exercise(source: "fuzz.npy") {
        let array = try NumpyFile.decode(input.bytes, path: "fuzz.npy")
        _ = array.doubleValues.reduce(0, +)
    }
    return 0
}

/// The entry point SwiftPM links as `main` (see runLibFuzzer).
@_cdecl("fuzz_npy_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runLibFuzzer(argc, argv, fuzzNumpy)
}
