//! Fuzzes the wsolevaluation metadata reader. The input stands for a split directory: its parts,
//! separated by a line `#--`, are image_ids.txt, class_labels.txt, image_sizes.txt,
//! localization.txt and localization_boxes.txt (absent parts = absent optional files).
import Foundation
import FuzzSupport
import WSOLData

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMetadata(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    let names = [MetadataFileName.imageIDs, MetadataFileName.classLabels, MetadataFileName.imageSizes,
                 MetadataFileName.localization, MetadataFileName.boxSidecar]
    let directory = FuzzInput.scratchDirectory
    let parts = input.parts(separatedBy: Array("\n#--\n".utf8))
    for (index, name) in names.enumerated() {
        if index < parts.count {
            FuzzInput.writeScratch(parts[index], name: name)
        } else {
            unlink(directory + "/" + name)
        }
    }
    exercise(source: directory) {
        let metadata = try WSOLMetadata.read(directory: directory)
        try metadata.validate()
    }
    return 0
}

/// The entry point SwiftPM links as `main` (see runLibFuzzer).
@_cdecl("fuzz_metadata_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runLibFuzzer(argc, argv, fuzzMetadata)
}
