//! Fuzzes the PyTorch checkpoint importer: zip container, pickle machine, legacy stream format.
import FuzzSupport
import TensorNN

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTorchCheckpoint(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    let path = FuzzInput.writeScratch(input.bytes, name: "checkpoint.pth")
    exercise(source: path) {
        let file = try TorchCheckpoint.read(path)
        for name in file.names { _ = file.arrays[name]?.values.reduce(0, +) }
    }
    return 0
}

/// The entry point SwiftPM links as `main` (see runLibFuzzer).
@_cdecl("fuzz_torch_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runLibFuzzer(argc, argv, fuzzTorchCheckpoint)
}
