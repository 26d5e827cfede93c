//! Fuzzes the COCO JSON importer (JSON shape, ids of either type, bboxes, joins).
import FuzzSupport
import WSOLData

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCOCO(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    let path = FuzzInput.writeScratch(input.bytes, name: "instances.json")
    exercise(source: path) {
        _ = try COCOImporter.importFile(annotationsPath: path, imagesDirectory: "images")
    }
    return 0
}

/// The entry point SwiftPM links as `main` (see runLibFuzzer).
@_cdecl("fuzz_coco_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runLibFuzzer(argc, argv, fuzzCOCO)
}
